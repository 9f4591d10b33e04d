import ObservatoryCore

/// Bar charts drawn on the server as SVG (no script): a `<title>` and `<desc>` for screen readers, and the same
/// figures in a real table under the chart. Hidden figures are drawn at the least they can be, pale and dashed.
enum StatisticsChart {
    struct Bar { let label: String; let figure: PublicFigure; let link: String? }

    static func text(_ f: PublicFigure) -> String {
        let number = Translations.current.number
        switch f {
        case .exact(let n): return number(n)
        case .fewerThan3: return t("stats.fewer-than-3")
        case .withheld: return t("stats.withheld")
        case .atLeast(let n): return t("stats.at-least", ["n": number(n)])
        }
    }

    static func amount(_ a: PublicAmount, currency: String) -> String {
        switch a {
        case .exact(let n): return Money(minorUnits: n, currency: currency).formatted
        case .withheld: return t("stats.withheld")
        case .atLeast(let n): return t("stats.at-least", ["n": Money(minorUnits: n, currency: currency).formatted])
        }
    }

    /// Years along the bottom (right to left in Arabic), one bar each.
    static func columns(id: String, title: String, bars: [Bar]) -> HTML {
        let width = 640, height = 160, top = 16, bottom = 22
        let rtl = Translations.current.language == .ar
        let maximum = max(bars.map(\.figure.lowerBound).max() ?? 0, 1)
        let step = bars.isEmpty ? 0 : Double(width) / Double(bars.count)
        let plot = Double(height - top - bottom)
        let shapes: [HTML] = bars.enumerated().map { i, bar in
            let h = plot * Double(bar.figure.lowerBound) / Double(maximum)
            let slot = rtl ? bars.count - 1 - i : i
            let x = Double(slot) * step + step * 0.15, w = step * 0.7
            let y = Double(height - bottom) - h
            let exact = bar.figure.exactValue != nil
            let labelEvery = max(1, bars.count / 10)
            let label: HTML =
                i % labelEvery == 0 || i == bars.count - 1
                ? "<text x=\"\(f(x + w / 2))\" y=\"\(height - 6)\" text-anchor=\"middle\">\(bar.label)</text>" : .empty
            return """
                <g><title>\(bar.label): \(text(bar.figure))</title><rect x="\(f(x))" y="\(f(y))" width="\(f(w))" \
                height="\(f(max(h, 0.5)))"\(paint(exact))/>\(label)</g>
                """
        }
        return svg(id: id, title: title, width: width, height: height, shapes: shapes, bars: bars)
    }

    /// Categories down the side, one bar each (labels on the right in Arabic).
    static func rows(id: String, title: String, bars: [Bar]) -> HTML {
        let width = 640, row = 22, labelWidth = 260
        let height = max(row * bars.count, row)
        let rtl = Translations.current.language == .ar
        let maximum = max(bars.map(\.figure.lowerBound).max() ?? 0, 1)
        let plot = Double(width - labelWidth - 60)
        let shapes: [HTML] = bars.enumerated().map { i, bar in
            let w = plot * Double(bar.figure.lowerBound) / Double(maximum)
            let y = i * row
            let x = rtl ? Double(width - labelWidth) - w : Double(labelWidth)
            let labelX = rtl ? width - 4 : labelWidth - 6
            let valueX = rtl ? x - 6 : x + w + 6
            let exact = bar.figure.exactValue != nil
            return """
                <g><title>\(bar.label): \(text(bar.figure))</title>\
                <text x="\(labelX)" y="\(y + 15)" text-anchor="end">\(bar.label)</text>\
                <rect x="\(f(x))" y="\(y + 4)" width="\(f(max(w, 0.5)))" height="\(row - 8)"\
                \(paint(exact))/>\
                <text x="\(f(valueX))" y="\(y + 15)" text-anchor="start">\(text(bar.figure))</text></g>
                """
        }
        return svg(id: id, title: title, width: width, height: height, shapes: shapes, bars: bars)
    }

    /// Presentation attributes, not styles: the site's stylesheet and its Content Security Policy stay as they are.
    private static func paint(_ exact: Bool) -> HTML {
        exact ? " fill=\"#2f5d8a\"" : " fill=\"#c9d6e3\" stroke=\"#2f5d8a\" stroke-dasharray=\"3 2\""
    }

    private static func svg(id: String, title: String, width: Int, height: Int, shapes: [HTML], bars: [Bar]) -> HTML {
        let description = bars.map { "\($0.label): \(text($0.figure))" }.joined(separator: "; ")
        return """
            <svg class="chart" width="100%" viewBox="0 0 \(width) \(height)" font-size="11" fill="currentColor" \
            role="img" aria-labelledby="\(id)-t \(id)-d" \
            direction="\(Translations.current.language == .ar ? "rtl" : "ltr")">\
            <title id="\(id)-t">\(title)</title><desc id="\(id)-d">\(description)</desc>\(shapes)</svg>
            """
    }

    /// The figures of a chart as a table.
    static func table(id: String, caption: String, heading: String, bars: [Bar]) -> HTML {
        let rows: [HTML] = bars.map { bar in
            let label: HTML = bar.link.map { "<a href=\"\($0)\">\(bar.label)</a>" } ?? "\(bar.label)"
            return "<tr><th scope=\"row\">\(label)</th><td class=\"n\">\(text(bar.figure))</td></tr>"
        }
        return """
            <table id="\(id)" class="stats"><caption>\(caption)</caption><thead><tr><th scope="col">\(heading)</th>\
            <th scope="col">\(t("stats.value"))</th></tr></thead><tbody>\(rows)</tbody></table>
            """
    }

    private static func f(_ x: Double) -> String { String(Double(Int((x * 10).rounded())) / 10) }
}
