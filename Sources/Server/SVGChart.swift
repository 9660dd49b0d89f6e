import Rendering

/// Server-side SVG plots for the page: no JavaScript library, no CDN, and
/// the same picture in a browser, a screenshot or `curl`.
enum SVGChart {
    struct Series {
        var name: String
        var color: String
        /// (seconds, value), oldest first.
        var points: [(Double, Double)]
    }

    static let palette = ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1",
                          "#ff9da7", "#9c755f", "#bab0ac", "#86bcb6", "#d37295", "#8cd17d"]

    /// Stacked areas, bottom series first; y from 0 to the largest stack.
    static func stacked(_ series: [Series], width: Int = 720, height: Int = 260, unitBytes: Bool = true, title: String) -> String {
        let times = series.first?.points.map(\.0) ?? []
        guard times.count >= 1 else { return empty(title: title, width: width, height: height) }
        var totals = [Double](repeating: 0, count: times.count)
        var layers: [(Series, [Double], [Double])] = []
        for item in series {
            let low = totals
            for index in totals.indices where index < item.points.count { totals[index] += max(0, item.points[index].1) }
            layers.append((item, low, totals))
        }
        let frame = Frame(width: width, height: height, times: times, maximum: totals.max() ?? 0)
        var svg = frame.open(title: title, unitBytes: unitBytes)
        for (item, low, high) in layers {
            var path = ""
            for index in times.indices { path += (index == 0 ? "M" : "L") + frame.point(time: times[index], high[index]) }
            for index in times.indices.reversed() { path += "L" + frame.point(time: times[index], low[index]) }
            svg += "<path class=\"area\" d=\"\(path)Z\" fill=\"\(item.color)\" fill-opacity=\"0.85\"><title>\(HTML.escape(item.name))</title></path>"
        }
        svg += "</svg>"
        return svg + legend(series)
    }

    /// Lines, each on the same axis.
    static func lines(_ series: [Series], width: Int = 720, height: Int = 200, unitBytes: Bool, title: String) -> String {
        let times = series.first { !$0.points.isEmpty }?.points.map(\.0) ?? []
        guard !times.isEmpty else { return empty(title: title, width: width, height: height) }
        let maximum = series.flatMap { $0.points.map(\.1) }.max() ?? 0
        let frame = Frame(width: width, height: height, times: times, maximum: maximum)
        var svg = frame.open(title: title, unitBytes: unitBytes)
        for item in series where !item.points.isEmpty {
            let path = item.points.enumerated().map { ($0.offset == 0 ? "M" : "L") + frame.point(time: $0.element.0, $0.element.1) }.joined()
            svg += "<path class=\"line\" d=\"\(path)\" fill=\"none\" stroke=\"\(item.color)\" stroke-width=\"2\"><title>\(HTML.escape(item.name))</title></path>"
        }
        svg += "</svg>"
        return svg + legend(series)
    }

    /// A small inline trend line for a table cell.
    static func sparkline(_ values: [Double], width: Int = 120, height: Int = 24, color: String = "#e15759") -> String {
        guard values.count >= 2, let low = values.min(), let high = values.max() else {
            return "<svg class=\"spark\" width=\"\(width)\" height=\"\(height)\"></svg>"
        }
        let span = high > low ? high - low : 1
        let points = values.enumerated().map { index, value in
            "\(fmt(Double(index) / Double(values.count - 1) * Double(width - 2) + 1)),\(fmt(Double(height - 2) - (value - low) / span * Double(height - 4)))"
        }.joined(separator: " ")
        return "<svg class=\"spark\" width=\"\(width)\" height=\"\(height)\" viewBox=\"0 0 \(width) \(height)\"><polyline points=\"\(points)\" fill=\"none\" stroke=\"\(color)\" stroke-width=\"1.5\"/></svg>"
    }

    static func empty(title: String, width: Int, height: Int) -> String {
        "<svg class=\"chart\" role=\"img\" aria-label=\"\(HTML.escape(title))\" width=\"\(width)\" height=\"\(height)\" viewBox=\"0 0 \(width) \(height)\"><text x=\"\(width / 2)\" y=\"\(height / 2)\" text-anchor=\"middle\" fill=\"#888\">no samples yet</text></svg>"
    }

    static func legend(_ series: [Series]) -> String {
        "<div class=\"legend\">" + series.map {
            "<span><i style=\"background:\($0.color)\"></i>\(HTML.escape($0.name))</span>"
        }.joined() + "</div>"
    }

    static func fmt(_ value: Double) -> String { String(Double(Int((value * 10).rounded())) / 10) }

    /// Plot area and axes: time along x (the samples' span), value up y.
    struct Frame {
        let width: Int, height: Int
        let left = 64.0, right = 8.0, top = 8.0, bottom = 22.0
        let start: Double, end: Double, maximum: Double

        init(width: Int, height: Int, times: [Double], maximum: Double) {
            self.width = width
            self.height = height
            start = times.first ?? 0
            end = max(times.last ?? 0, start + 1)
            self.maximum = maximum > 0 ? maximum : 1
        }

        var plotWidth: Double { Double(width) - left - right }
        var plotHeight: Double { Double(height) - top - bottom }

        func point(time: Double, _ value: Double) -> String {
            let x = left + (time - start) / (end - start) * plotWidth
            let y = top + plotHeight - value / maximum * plotHeight
            return "\(fmt(x)),\(fmt(y))"
        }

        func open(title: String, unitBytes: Bool) -> String {
            var svg = "<svg class=\"chart\" role=\"img\" aria-label=\"\(HTML.escape(title))\" width=\"\(width)\" height=\"\(height)\" viewBox=\"0 0 \(width) \(height)\" xmlns=\"http://www.w3.org/2000/svg\">"
            for step in 0...4 {
                let value = maximum * Double(step) / 4
                let y = top + plotHeight - Double(step) / 4 * plotHeight
                svg += "<line x1=\"\(fmt(left))\" y1=\"\(fmt(y))\" x2=\"\(fmt(Double(width) - right))\" y2=\"\(fmt(y))\" stroke=\"#ddd\"/>"
                let label = unitBytes ? ByteFormatter.human(UInt64(max(0, value))) : SVGChart.count(value)
                svg += "<text x=\"\(fmt(left - 6))\" y=\"\(fmt(y + 4))\" text-anchor=\"end\" class=\"axis\">\(label)</text>"
            }
            let span = end - start
            svg += "<text x=\"\(fmt(left))\" y=\"\(height - 6)\" class=\"axis\">\(SVGChart.ago(span))</text>"
            svg += "<text x=\"\(fmt(Double(width) - right))\" y=\"\(height - 6)\" text-anchor=\"end\" class=\"axis\">now</text>"
            return svg
        }
    }

    static func count(_ value: Double) -> String {
        if value >= 1e9 { return fmt(value / 1e9) + "G" }
        if value >= 1e6 { return fmt(value / 1e6) + "M" }
        if value >= 1e3 { return fmt(value / 1e3) + "k" }
        return String(Int(value))
    }

    static func ago(_ seconds: Double) -> String {
        if seconds < 1.5 { return "" }
        if seconds < 120 { return "−\(Int(seconds)) s" }
        if seconds < 7200 { return "−\(Int(seconds / 60)) min" }
        return "−" + fmt(seconds / 3600) + " h"
    }
}

enum HTML {
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }
}
