import Fluent
import Foundation
import ObservatoryCore
import SQLKit
import Vapor

/// The export routes.
struct ListExportController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        for format in ListExport.Format.allCases {
            routes.localizedGet(SiteRoute.Pattern.publicationsExport(format), negotiate: false) {
                try await publications($0, format)
            }
            routes.localizedGet(SiteRoute.Pattern.searchExport(format), negotiate: false) {
                try await search($0, format)
            }
            routes.localizedGet(SiteRoute.Pattern.organisationsExport(format), negotiate: false) {
                try await organisations($0, format)
            }
            routes.localizedGet(SiteRoute.Pattern.campaignsExport(format), negotiate: false) {
                try await ListExport.campaignList($0, format)
            }
            routes.localizedGet(SiteRoute.Pattern.callsExport(format), negotiate: false) {
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
