import Fluent
import Foundation
import ObservatoryCore
import Vapor

/// `/statistics.csv` and `/statistics.json` (any language, the page's filters): the public figures of every year
/// since the first record and of the years chosen, as the page shows them (hidden figures stay hidden).
///
/// CSV columns: `period, figure, status, value, at_least` — `status` is `exact`, `fewer-than-3`, `withheld` or
/// `at-least`; `value` only when exact. JSON: `{"currency", "filters", "periods": [{"period", "figures": {figure:
/// {"status", "value"?, "at_least"}}}]}`.
enum StatisticsExport {
    static let header = ["period", "figure", "status", "value", "at_least"]

    static func path(_ format: ListExport.Format, _ filter: StatisticsFilter) -> String {
        SiteRoute.statisticsExport(format, filter).path
    }

    struct Line { let figure: String, status: String, value: String?, atLeast: String }

    static func lines(_ cell: PublicCell, currency: String) -> [Line] {
        func line(_ key: String, _ f: PublicFigure) -> Line {
            switch f {
            case .exact(let n): Line(figure: key, status: "exact", value: String(n), atLeast: String(n))
            case .fewerThan3: Line(figure: key, status: "fewer-than-3", value: nil, atLeast: "1")
            case .withheld: Line(figure: key, status: "withheld", value: nil, atLeast: String(f.lowerBound))
            case .atLeast(let n): Line(figure: key, status: "at-least", value: nil, atLeast: String(n))
            }
        }
        let places = Money.exponent(of: currency)
        func decimal(_ minor: Int64) -> String {
            guard places > 0 else { return String(minor) }
            var divisor: Int64 = 1
            for _ in 0..<places { divisor *= 10 }
            let fraction = String(minor % divisor)
            return "\(minor / divisor)." + String(repeating: "0", count: places - fraction.count) + fraction
        }
        let paidKey = "assistance-paid-" + currency.lowercased()
        let paid: Line =
            switch cell.paid {
            case .exact(let n): Line(figure: paidKey, status: "exact", value: decimal(n), atLeast: decimal(n))
            case .withheld: Line(figure: paidKey, status: "withheld", value: nil, atLeast: "0")
            case .atLeast(let n): Line(figure: paidKey, status: "at-least", value: nil, atLeast: decimal(n))
            }
        return StatisticsMeasure.all.map { line($0.key, cell.figure($0)) }
            + [
                Line(figure: "missions", status: "exact", value: String(cell.missions), atLeast: String(cell.missions)),
                paid
            ]
    }

    static func document(_ s: StatisticsSheet<PublicCell>, _ format: ListExport.Format) throws -> String {
        let chosen = s.chosenYears
        let rangeName = chosen.isEmpty ? "none" : chosen.count == 1 ? String(chosen[0]) : "\(chosen[0])-\(chosen.last!)"
        let periods = s.years.map { (String($0), s.year($0)) } + [("total-" + rangeName, s.range)]
        switch format {
        case .csv:
            var out = CSVText.byteOrderMark + CSVText.row(header)
            for (period, cell) in periods {
                for l in lines(cell, currency: s.currency) {
                    out += CSVText.row([period, l.figure, l.status, l.value ?? "", l.atLeast])
                }
            }
            return out
        case .json:
            struct Figure: Encodable {
                let status: String, value: String?, at_least: String
            }
            struct Period: Encodable { let period: String, figures: [String: Figure] }
            struct Document: Encodable { let currency: String, filters: [String: String], periods: [Period] }
            let document = Document(
                currency: s.currency, filters: Dictionary(s.filter.queryItems, uniquingKeysWith: { a, _ in a }),
                periods: periods.map { period, cell in
                    Period(
                        period: period,
                        figures: Dictionary(
                            uniqueKeysWithValues: lines(cell, currency: s.currency).map {
                                ($0.figure, Figure(status: $0.status, value: $0.value, at_least: $0.atLeast))
                            }))
                })
            return try ListExport.json(document)
        }
    }
}

extension ApiController {
    /// `GET /api/v1/statistics`: the document of `/statistics.json`, from the same protected cells.
    @Sendable func statistics(req: Request) async throws -> Response {
        let query = try ApiQuery(req, allowed: ["from", "to", "country", "region", "programme"])
        let filter: StatisticsFilter
        do {
            filter = try StatisticsFilter(query: query.values)
        } catch let invalid as PublicationFilter.Invalid {
            throw ApiProblem.badParameter(invalid.parameter, invalid.message)
        }
        let sheet = try await StatisticsController.publicSheet(filter, on: req.db)
        let response = Response(status: .ok, body: .init(string: try StatisticsExport.document(sheet, .json)))
        response.headers.replaceOrAdd(name: .contentType, value: "application/json; charset=utf-8")
        return response
    }
}
