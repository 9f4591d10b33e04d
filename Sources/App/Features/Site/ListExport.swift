import Fluent
import Foundation
import ObservatoryCore
import SQLKit
import Vapor

/// Every public list as CSV and JSON, at the list's address with `.csv` / `.json` and the same filters, in every
/// language (`/publications.csv?country=mx`, `/fr/search.json?q=…`, `/organisations.csv?type=ngo`). A country page
/// links to `/publications.csv?country=…`, the same result. Built from the public types only (`PublicationSummary`,
/// `DirectoryEntry`), so nothing a page cannot show can be exported.
///
/// - CSV: RFC 4180 with a header row, UTF-8 with a byte order mark, cells guarded against formula injection
///   (`CSVText`). JSON: `{"filters": {…}, "items": [{…}, …]}`, the search also `"q"` and `"truncated"`.
/// - The whole filtered result, not one page; `page` is ignored. Up to `bufferedRows` rows the answer is rendered once
///   and kept by the page cache like any anonymous page; larger ones are streamed from the database in batches.
enum ListExport {
    enum Format: String, CaseIterable, Sendable {
        case csv, json
        var contentType: String {
            self == .csv ? "text/csv; charset=utf-8; header=present" : "application/json; charset=utf-8"
        }
    }

    /// At most this many search results are exported (the search ranks every match; a list has no such limit).
    static let searchLimit = 1_000
    /// Results up to this size are built in memory (and cached); beyond, streamed.
    static let bufferedRows = 2_000
    static let batch = 500

    static let publicationHeader = [
        "id", "url", "type", "kind", "language", "published_on", "title", "summary",
        "countries", "country_names", "programmes", "reference", "event_date"
    ]
    static let organisationHeader = [
        "id", "url", "name", "type", "country", "country_name", "working_languages",
        "networks", "founded", "website"
    ]

    // MARK: Addresses

    static func publications(_ format: Format, _ filter: PublicationFilter) -> String {
        Translations.current.language.pathPrefix + "/publications.\(format.rawValue)"
            + SiteRoute.query(filter.queryItems(includingPage: false))
    }

    static func search(_ format: Format, _ text: String, _ filter: PublicationFilter) -> String {
        Translations.current.language.pathPrefix + "/search.\(format.rawValue)"
            + SiteRoute.query([("q", text)] + filter.queryItems(includingPage: false))
    }

    static func organisations(_ format: Format, _ filter: DirectoryFilter) -> String {
        SiteRoute.organisationsExport(format, filter).path
    }

    /// The download links a list page shows (plain links: no script needed).
    static func links(csv: String, json: String) -> HTML {
        "<span class=\"downloads\">\(t("export.download")) <a href=\"\(csv)\" type=\"text/csv\" download>CSV</a>"
            + " · <a href=\"\(json)\" type=\"application/json\">JSON</a></span>"
    }

    // MARK: Rows

    static func csvRow(_ p: PublicationSummary, baseURL: String) -> String {
        let cells = [
            p.id, baseURL + SiteRoute.publication(id: p.id).path, p.type, p.kind ?? "", p.language,
            p.publishedOn,
            p.title, p.summary, p.countryCodes.replacingOccurrences(of: ",", with: ";"),
            p.countries.map(\.localName).joined(separator: "; "),
            p.programmeSlugs.replacingOccurrences(of: ",", with: ";"), p.reference ?? "", p.eventDate ?? ""
        ]
        return CSVText.row(cells)
    }

    static func encode(_ p: PublicationSummary, _ format: Format, baseURL: String) throws -> String {
        format == .csv ? csvRow(p, baseURL: baseURL) : try json(PublicationItem(p, baseURL: baseURL))
    }

    struct PublicationItem: Encodable {
        let id: String, url: String, type: String, kind: String?, language: String, published_on: String
        let title: String, summary: String, countries: [String], programmes: [String], reference: String?
        let event_date: String?

        init(_ p: PublicationSummary, baseURL: String) {
            id = p.id; url = baseURL + SiteRoute.publication(id: p.id).path; type = p.type; kind = p.kind
            language = p.language; published_on = p.publishedOn; title = p.title; summary = p.summary
            countries = p.countryCodes.isEmpty ? [] : p.countryCodes.split(separator: ",").map(String.init)
            programmes = p.programmeSlugs.isEmpty ? [] : p.programmeSlugs.split(separator: ",").map(String.init)
            reference = p.reference; event_date = p.eventDate
        }

        func encode(to encoder: any Encoder) throws {
            enum Key: String, CodingKey {
                case id, url, type, kind, language, published_on, title, summary, countries, programmes, reference
                case event_date
            }
            var c = encoder.container(keyedBy: Key.self)
            try c.encode(id, forKey: .id); try c.encode(url, forKey: .url); try c.encode(type, forKey: .type)
            try c.encode(kind, forKey: .kind); try c.encode(language, forKey: .language)
            try c.encode(published_on, forKey: .published_on); try c.encode(title, forKey: .title)
            try c.encode(summary, forKey: .summary); try c.encode(countries, forKey: .countries)
            try c.encode(programmes, forKey: .programmes); try c.encode(reference, forKey: .reference)
            try c.encode(event_date, forKey: .event_date)
        }
    }

    struct OrganisationItem: Encodable {
        let id: String, url: String, name: String, type: String?, country: String?, working_languages: [String]
        let networks: [String], founded: Int?, website: String?

        init(_ o: DirectoryEntry, baseURL: String) {
            id = o.id
            url = baseURL + SiteRoute.organisation(id: o.id).path
            name = o.name; type = o.type; country = o.countryCode; working_languages = o.languages
            networks = o.networkSlugs; founded = o.founded; website = o.website
        }

        func encode(to encoder: any Encoder) throws {
            enum Key: String, CodingKey {
                case id, url, name, type, country, working_languages, networks, founded, website
            }
            var c = encoder.container(keyedBy: Key.self)
            try c.encode(id, forKey: .id); try c.encode(url, forKey: .url); try c.encode(name, forKey: .name)
            try c.encode(type, forKey: .type); try c.encode(country, forKey: .country)
            try c.encode(working_languages, forKey: .working_languages); try c.encode(networks, forKey: .networks)
            try c.encode(founded, forKey: .founded); try c.encode(website, forKey: .website)
        }
    }

    static func json(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]  // the same bytes every time
        return ScriptSafeJSON.escape(String(decoding: try encoder.encode(value), as: UTF8.self))  // no markup, no BOM
    }

    static func filtersJSON(_ items: [(String, String)]) throws -> String {
        try json(Dictionary(items, uniquingKeysWith: { a, _ in a }))
    }

    // MARK: Answers

    /// A name a browser saves the file under: only ASCII letters, digits, `-` and `.` (nothing a header could carry).
    static func filename(_ base: String, _ items: [(String, String)], _ format: Format) -> String {
        let words = [base] + items.filter { $0.0 != "q" }.map { $0.1 }
        let safe = words.joined(separator: "-").lowercased().map { c -> Character in
            c.isASCII && (c.isLetter || c.isNumber || c == "-") ? c : "-"
        }
        let squeezed = String(safe).split(separator: "-", omittingEmptySubsequences: true).joined(separator: "-")
        return String(squeezed.prefix(100)) + "." + format.rawValue
    }

    static func answer(_ body: String, _ format: Format, filename: String) -> Response {
        let response = Response.publicPage(body, contentType: format.contentType)
        setDownloadHeaders(response, filename: filename)
        return response
    }

    static func setDownloadHeaders(_ response: Response, filename: String) {
        response.headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"\(filename)\"")
    }

    static func document(_ format: Format, header: [String], rows: [String], prefixJSON: String) -> String {
        switch format {
        case .csv: CSVText.byteOrderMark + CSVText.row(header) + rows.joined()
        case .json: prefixJSON + "\"items\":[" + rows.joined(separator: ",") + "]}"
        }
    }
}

/// The export routes.
struct ListExportController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        for format in ListExport.Format.allCases {
            routes.localizedGet(["publications.\(format.rawValue)"], negotiate: false) {
                try await publications($0, format)
            }
            routes.localizedGet(["search.\(format.rawValue)"], negotiate: false) { try await search($0, format) }
            routes.localizedGet(SiteRoute.Pattern.organisationsExport(format), negotiate: false) {
                try await organisations($0, format)
            }
            routes.localizedGet(["campaigns.\(format.rawValue)"], negotiate: false) {
                try await ListExport.campaignList($0, format)
            }
            routes.localizedGet(["calls.\(format.rawValue)"], negotiate: false) {
                try await ListExport.callList($0, format)
            }
        }
    }

    func publications(_ req: Request, _ format: ListExport.Format) async throws -> Response {
        let filter = try req.publicationFilter().firstPage
        let base = req.publicBaseURL
        let items = filter.queryItems(includingPage: false)
        let name = ListExport.filename("publications", items, format)
        let prefix = "{\"filters\":" + (try ListExport.filtersJSON(items)) + ","
        let total = try await req.filterCounts(filter).total
        if total <= ListExport.bufferedRows {
            let rows = try await PublicationQueries.list(filter, limit: ListExport.bufferedRows, on: req.db)
                .map { try ListExport.encode($0, format, baseURL: base) }
            let document = ListExport.document(
                format, header: ListExport.publicationHeader, rows: rows,
                prefixJSON: prefix)
            return ListExport.answer(document, format, filename: name)
        }
        // Streamed in batches, newest first, each batch after the last row of the one before (keyset paging).
        let language = Translations.current.language
        let db = req.db
        let response = Response(
            status: .ok,
            body: .init(asyncStream: { writer in
                try await Translations.$current.withValue(.of(language)) {
                    let allocator = ByteBufferAllocator()
                    func send(_ text: String) async throws {
                        try await writer.write(.buffer(allocator.buffer(string: text)))
                    }
                    do {
                        try await send(
                            format == .csv
                                ? CSVText.byteOrderMark + CSVText.row(ListExport.publicationHeader)
                                : prefix + "\"items\":[")
                        var after: (String, String)? = nil
                        var first = true
                        while true {
                            let page = try await PublicationQueries.exportBatch(
                                filter, after: after,
                                limit: ListExport.batch, on: db)
                            guard let last = page.last else { break }
                            var chunk = ""
                            for p in page {
                                if format == .json && !first { chunk += "," }
                                chunk += try ListExport.encode(p, format, baseURL: base)
                                first = false
                            }
                            try await send(chunk)
                            after = (last.publishedOn, last.id)
                            if page.count < ListExport.batch { break }
                        }
                        if format == .json { try await send("]}") }
                        try await writer.write(.end)
                    } catch {
                        try? await writer.write(.error(error))
                    }
                }
            }))
        response.headers.replaceOrAdd(name: .contentType, value: format.contentType)
        ListExport.setDownloadHeaders(response, filename: name)
        response.storage[CacheableKey.self] = true  // validators and cache headers; too large to keep in memory
        return response
    }

    func search(_ req: Request, _ format: ListExport.Format) async throws -> Response {
        let (query, filter) = try req.searchQuery()
        let base = req.publicBaseURL
        var found: [PublicationSummary] = []
        var total = 0
        var page = 1
        while found.count < ListExport.searchLimit {
            let (count, results) = try await SearchQueries.search(query, filter.with(page: page), on: req.db)
            total = count
            found += results.map(\.publication)
            if results.count < PublicationFilter.pageSize || found.count >= count { break }
            page += 1
        }
        found = Array(found.prefix(ListExport.searchLimit))
        let items = filter.queryItems(includingPage: false)
        let rows = try found.map { try ListExport.encode($0, format, baseURL: base) }
        let prefix =
            "{\"q\":" + (try ListExport.json(query.text))
            + ",\"filters\":" + (try ListExport.filtersJSON(items))
            + ",\"truncated\":" + (total > found.count ? "true" : "false") + ","
        let document = ListExport.document(format, header: ListExport.publicationHeader, rows: rows, prefixJSON: prefix)
        return ListExport.answer(document, format, filename: ListExport.filename("search", items, format))
    }

    func organisations(_ req: Request, _ format: ListExport.Format) async throws -> Response {
        var filter = try DirectoryFilter(req)
        filter.page = 1
        let base = req.publicBaseURL
        let matching = try await DirectoryQueries.all(on: req.db).filter { filter.matches($0) }
        let rows = try matching.map { o -> String in
            switch format {
            case .json: return try ListExport.json(ListExport.OrganisationItem(o, baseURL: base))
            case .csv:
                let url = base + SiteRoute.organisation(id: o.id).path
                return CSVText.row([
                    o.id, url, o.name, o.type ?? "", o.countryCode ?? "", o.country?.localName ?? "",
                    o.languages.joined(separator: ";"), o.networkSlugs.joined(separator: ";"),
                    o.founded.map(String.init) ?? "", o.website ?? ""
                ])
            }
        }
        let items = filter.queryItems
        let prefix = "{\"filters\":" + (try ListExport.filtersJSON(items)) + ","
        let document = ListExport.document(
            format, header: ListExport.organisationHeader, rows: rows,
            prefixJSON: prefix)
        return ListExport.answer(document, format, filename: ListExport.filename("organisations", items, format))
    }
}

extension PublicationQueries {
    /// Published publications of a filter, newest first, after a `(published_on, id)` position: the export's batches.
    static func exportBatch(
        _ filter: PublicationFilter, after: (String, String)?, limit: Int,
        on db: any Database
    ) async throws -> [PublicationSummary] {
        let position: SQLQueryString =
            after.map { date, id in
                " AND (p.published_on < \(bind: date) OR (p.published_on = \(bind: date) AND p.id < \(bind: id)))"
            } ?? ""
        let query: SQLQueryString = """
            SELECT \(unsafeRaw: PublicationSummary.columns) FROM publications p
            WHERE \(conditions(filter.firstPage))\(position)
            ORDER BY p.published_on DESC, p.id DESC LIMIT \(literal: limit)
            """
        return try await db.sql.raw(query).all().map(PublicationSummary.init(row:))
    }
}
