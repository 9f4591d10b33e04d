import ObservatoryCore

/// RSS 2.0 and Atom 1.0 for any filter: the newest 30 publications, with absolute links.
enum FeedView {
    struct Context: Sendable {
        let title: String
        let baseURL: String
        let filter: PublicationFilter
        let items: [PublicationSummary]
        /// The search these items answer, for a saved search's feed.
        var search: String? = nil

        func selfURL(_ format: SiteRoute.FeedFormat) -> String {
            baseURL
                + (search.map { SiteRoute.searchFeed(format, $0, filter).path } ?? SiteRoute.feed(format, filter).path)
        }
        var listURL: String {
            baseURL
                + (search.map { SiteRoute.search($0, filter.firstPage).path }
                    ?? SiteRoute.publications(filter.firstPage).path)
        }
    }

    /// The filters in words ("Mexico · Urgent Interventions · 2019").
    static func filterWords(_ filter: PublicationFilter) -> String {
        var parts: [String] = []
        if let country = filter.country { parts.append(country.localName) }
        if let type = filter.type { parts.append(type.label) }
        if let programme = filter.programme { parts.append(programme.label) }
        if let language = filter.language { parts.append(language.endonym) }
        if let year = filter.year { parts.append(String(year)) }
        return parts.joined(separator: " · ")
    }

    static func title(for filter: PublicationFilter, search: String? = nil) -> String {
        let words = [search.map { t("feed.search", ["q": $0]) }, filterWords(filter)].compactMap { $0 }.filter {
            !$0.isEmpty
        }
        return words.isEmpty ? t("feed.latest") : t("feed.prefix", ["filters": words.joined(separator: " · ")])
    }

    /// The feed document. Everything in it (titles, summaries, a search typed by anyone) passes `XMLText.clean`:
    /// one control character would make the whole feed not well-formed XML, and readers reject it.
    static func render(_ format: SiteRoute.FeedFormat, _ c: Context) -> String {
        XMLText.clean(format == .rss ? rss(c).rendered : atom(c).rendered)
    }

    static func rss(_ c: Context) -> HTML {
        let items: [HTML] = c.items.map { item in
            let link = c.baseURL + SiteRoute.publication(id: item.id).path
            let categories: [HTML] = ([item.publicationType?.label ?? item.type] + item.countries.map(\.localName)).map
            { "<category>\($0)</category>" }
            return """
                <item><title>\(item.displayTitle)</title><link>\(link)</link><guid isPermaLink="true">\(link)</guid>\
                <pubDate>\(item.date.map(rfc822) ?? "")</pubDate><description>\(item.summary)</description>\(categories)</item>

                """
        }
        let selfURL = c.selfURL(.rss), listURL = c.listURL
        return """
            <?xml version="1.0" encoding="UTF-8"?>
            <rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom">
            <channel><title>\(c.title)</title><link>\(listURL)</link>\
            <description>\(t("feed.description"))</description>\
            <language>\(Translations.current.language.rawValue)</language><atom:link href="\(selfURL)" rel="self" \
            type="application/rss+xml"/>\
            <lastBuildDate>\(c.items.first?.date.map(rfc822) ?? rfc822(CivilDate(daysSinceEpoch: 0)))</lastBuildDate>
            \(items)</channel>
            </rss>

            """
    }

    static func atom(_ c: Context) -> HTML {
        let entries: [HTML] = c.items.map { item in
            let link = c.baseURL + SiteRoute.publication(id: item.id).path
            let date = item.date.map(rfc3339) ?? rfc3339(CivilDate(daysSinceEpoch: 0))
            return """
                <entry><title>\(item.displayTitle)</title><link rel="alternate" type="text/html" \
                href="\(link)"/><id>\(link)</id>\
                <updated>\(date)</updated><published>\(date)</published><summary>\(item.summary)</summary>\
                <category term="\(item.type)" label="\(item.publicationType?.label ?? item.type)"/></entry>

                """
        }
        let selfURL = c.selfURL(.atom), listURL = c.listURL
        return """
            <?xml version="1.0" encoding="UTF-8"?>
            <feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en">
            <title>\(c.title)</title><id>\(selfURL)</id>\
            <link rel="self" type="application/atom+xml" href="\(selfURL)"/><link rel="alternate" type="text/html" \
            href="\(listURL)"/>\
            <updated>\(c.items.first?.date.map(rfc3339) ?? rfc3339(CivilDate(daysSinceEpoch: 0)))</updated>\
            <author><name>Observatory for the Protection of Human Rights Defenders</name></author>
            \(entries)</feed>

            """
    }

    /// RFC 822 as RSS 2.0 requires: `Fri, 19 Jan 2018 00:00:00 +0000`.
    static func rfc822(_ date: CivilDate) -> String {
        let weekdays = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"]  // 1970-01-01 was a Thursday
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        let weekday = weekdays[((date.daysSinceEpoch % 7) + 7) % 7]
        let day = date.day < 10 ? "0\(date.day)" : "\(date.day)"
        return "\(weekday), \(day) \(months[date.month - 1]) \(date.year) 00:00:00 +0000"
    }

    /// RFC 3339 as Atom requires: `2018-01-19T00:00:00Z`.
    static func rfc3339(_ date: CivilDate) -> String { "\(date)T00:00:00Z" }
}
