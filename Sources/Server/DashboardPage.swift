import Diagnosis
import KernelFiles
import MemoryModel
import Rendering

/// `/`: one self-contained page (inline CSS, server-side SVG, a few lines
/// of plain JS that re-fetch `/dashboard` every few seconds). Works offline.
enum DashboardPage {
    static let refreshSeconds = 5

    static func html(_ result: ScrapeResult, timeline: [Snapshot]) -> String {
        let host = HTML.escape(result.snapshot.host.hostname ?? "unknown host")
        return """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>memsleuth — \(host)</title>
            <style>\(style)</style></head>
            <body><div id="content">\(content(result, timeline: timeline))</div>
            <script>
            // Live refresh: swap in the server's newest rendering; keep the old one on failure.
            setInterval(function () {
              fetch('/dashboard', {cache: 'no-store'}).then(function (r) { return r.ok ? r.text() : null; })
                .then(function (t) { if (t) { document.getElementById('content').innerHTML = t; } })
                .catch(function () {});
            }, \(refreshSeconds * 1000));
            </script></body></html>

            """
    }

    /// Everything inside `#content`: the part that refreshes.
    static func content(_ result: ScrapeResult, timeline: [Snapshot]) -> String {
        var timeline = timeline
        // One sample still draws: as a flat band one second wide.
        if timeline.count == 1, var copy = timeline.first {
            copy.time = WallTime(seconds: copy.time.seconds + 1, nanoseconds: copy.time.nanoseconds, monotonic: copy.time.monotonic + 1)
            timeline.insert(timeline[0], at: 0)
            timeline[1] = copy
        }
        return header(result) + "<main>"
            + section("Memory accounting over time", "accounting", accounting(timeline))
            + "<div class=\"row\">"
            + section("Top growing slab caches", "slab", slabCaches(result, timeline: timeline))
            + section("Dentries", "dentries", dentries(result, timeline: timeline))
            + "</div>"
            + section("Findings", "findings", findings(result.report))
            + section("Processes", "processes", processes(result.snapshot))
            + "</main>"
    }

    static func header(_ result: ScrapeResult) -> String {
        let snapshot = result.snapshot
        let verdict = result.report.verdictName
        var used = ""
        if let figures = result.report.used {
            used = " · used \(oneDecimal(figures.withReclaimableSlabPercent)) % counting reclaimable slab"
                + " (procps: \(oneDecimal(figures.procpsPercent)) %) of \(ByteFormatter.human(figures.total))"
        }
        return "<header><h1>memsleuth <span class=\"host\">\(HTML.escape(snapshot.host.hostname ?? "unknown host"))</span></h1>"
            + "<span class=\"badge sev-\(verdict)\" id=\"verdict\">\(verdict)</span>"
            + "<p class=\"meta\">Linux \(HTML.escape(snapshot.host.kernelRelease ?? "unknown")) · \(snapshot.time.rfc3339)"
            + "\(used) · \(result.report.samples) sample\(result.report.samples == 1 ? "" : "s") judged</p></header>"
    }

    static func section(_ title: String, _ id: String, _ body: String) -> String {
        "<section id=\"\(id)\"><h2>\(title)</h2>\(body)</section>"
    }

    static func accounting(_ timeline: [Snapshot]) -> String {
        let accounts = timeline.map { MemoryAccount(DiagnosisInput(snapshot: $0)) }
        guard let newest = accounts.last, !newest.parts.isEmpty else { return "<p class=\"none\">/proc/meminfo could not be read.</p>" }
        // Free on top, so the stack's growth reads from the bottom up.
        let keys = newest.parts.map { ($0.key, $0.label) }.filter { $0.0 != "free" } + [("free", "free")]
        var series: [SVGChart.Series] = []
        for (index, (key, label)) in keys.enumerated() {
            let color = key == "free" ? "#d9d9d9" : SVGChart.palette[index % SVGChart.palette.count]
            let points = zip(timeline, accounts).map { snapshot, account in
                (snapshot.time.epochSeconds, Double(account.part(key)?.bytes ?? 0))
            }
            guard points.contains(where: { $0.1 > 0 }) else { continue }
            series.append(SVGChart.Series(name: label, color: color, points: points))
        }
        return SVGChart.stacked(series, title: "memory accounting, stacked, MemTotal at the top")
    }

    static func slabCaches(_ result: ScrapeResult, timeline: [Snapshot]) -> String {
        guard let slab = result.snapshot.slab else { return "<p class=\"none\">/proc/slabinfo could not be read (it needs root).</p>" }
        let page = result.snapshot.pageSizeBytes
        let sizes: [[String: UInt64]] = timeline.map { snapshot in
            var sizes: [String: UInt64] = [:]
            for cache in snapshot.slab?.slabinfo.caches ?? [] { sizes[cache.name] = SlabTable.cacheSize(cache, pageSize: snapshot.pageSizeBytes) }
            return sizes
        }
        struct Row { var name: String; var bytes: UInt64; var change: Int64; var values: [Double] }
        var rows: [Row] = []
        var seen = Set<String>()
        for cache in slab.slabinfo.caches where seen.insert(cache.name).inserted {
            let bytes = SlabTable.cacheSize(cache, pageSize: page)
            let values = sizes.compactMap { $0[cache.name].map(Double.init) }
            let change = Int64(clamping: bytes) &- Int64(clamping: sizes.first?[cache.name] ?? bytes)
            rows.append(Row(name: cache.name, bytes: bytes, change: change, values: values))
        }
        rows.sort { ($0.change, $0.bytes) > ($1.change, $1.bytes) }
        let span = (timeline.last?.time.epochSeconds ?? 0) - (timeline.first?.time.epochSeconds ?? 0)
        var html = "<table><thead><tr><th>cache</th><th class=\"n\">size</th><th class=\"n\">change over \(SVGChart.ago(span).isEmpty ? "this sample" : String(SVGChart.ago(span).dropFirst()))</th><th>trend</th></tr></thead><tbody>"
        for row in rows.prefix(8) {
            let sign = row.change > 0 ? "+" : ""
            html += "<tr><td>\(HTML.escape(row.name))</td><td class=\"n\">\(ByteFormatter.human(row.bytes))</td>"
                + "<td class=\"n\">\(sign)\(ByteFormatter.human(signed: row.change))</td><td>\(SVGChart.sparkline(row.values))</td></tr>"
        }
        return html + "</tbody></table>"
    }

    static func dentries(_ result: ScrapeResult, timeline: [Snapshot]) -> String {
        guard let state = result.snapshot.dcache.dentries else { return "<p class=\"none\">/proc/sys/fs/dentry-state could not be read.</p>" }
        func points(_ value: (DentryState) -> UInt64?) -> [(Double, Double)] {
            timeline.compactMap { snapshot in
                snapshot.dcache.dentries.flatMap { value($0) }.map { (snapshot.time.epochSeconds, Double($0)) }
            }
        }
        var series = [
            SVGChart.Series(name: "dentries", color: "#4e79a7", points: points { $0.nrDentry }),
            SVGChart.Series(name: "unused", color: "#76b7b2", points: points { $0.nrUnused }),
        ]
        if state.nrNegative != nil { series.append(SVGChart.Series(name: "negative", color: "#e15759", points: points { $0.nrNegative })) }
        let negative = state.nrNegative.map { SVGChart.count(Double($0)) } ?? "unknown (Linux 5.0+ counts them)"
        return "<p class=\"figures\">dentries <b id=\"nr-dentry\">\(SVGChart.count(Double(state.nrDentry)))</b> · unused <b>\(SVGChart.count(Double(state.nrUnused)))</b> · negative <b id=\"nr-negative\">\(negative)</b></p>"
            + SVGChart.lines(series, width: 460, height: 180, unitBytes: false, title: "dentries over time")
    }

    static func findings(_ report: DoctorReport) -> String {
        let active = report.findings.filter { $0.severity > .ok }
        guard !active.isEmpty else { return "<p class=\"none\">Nothing wrong found (verdict \(report.verdictName)).</p>" }
        var html = ""
        for finding in active {
            html += "<article class=\"finding sev-\(finding.severity.name)\" data-rule=\"\(HTML.escape(finding.ruleID))\">"
                + "<h3><span class=\"badge sev-\(finding.severity.name)\">\(finding.severity.name)</span> \(HTML.escape(finding.title))"
                + " <code class=\"rule\">\(HTML.escape(finding.ruleID))</code></h3>"
                + "<p>\(HTML.escape(finding.explanation))</p><h4>Evidence</h4><ul class=\"evidence\">"
            for evidence in finding.evidence { html += "<li>\(HTML.escape(DoctorView.evidenceLine(evidence)))</li>" }
            html += "</ul>"
            if !finding.remedies.isEmpty {
                html += "<h4>Remedies</h4><ul class=\"remedies\">"
                for remedy in finding.remedies {
                    html += "<li><b>\(remedy.permanent ? "fix" : "stop-gap")</b>: \(HTML.escape(remedy.summary))"
                    if let command = remedy.command { html += "<pre>\(HTML.escape(command))</pre>" }
                    html += "<span class=\"cost\">cost: \(HTML.escape(remedy.cost))</span></li>"
                }
                html += "</ul>"
            }
            html += "</article>"
        }
        return html
    }

    static func processes(_ snapshot: Snapshot) -> String {
        guard let sweep = snapshot.processes else { return "<p class=\"none\">No process sweep.</p>" }
        let rows = sweep.rows.sorted { ($0.pss ?? $0.res ?? 0, $1.pid) > ($1.pss ?? $1.res ?? 0, $0.pid) }
        func size(_ value: UInt64?) -> String { value.map { ByteFormatter.human($0) } ?? "–" }
        var html = "<table><thead><tr><th class=\"n\">pid</th><th>user</th><th>command</th><th class=\"n\">RES</th><th class=\"n\">PSS</th><th class=\"n\">USS</th><th class=\"n\">swap</th></tr></thead><tbody>"
        for row in rows.prefix(15) {
            html += "<tr><td class=\"n\">\(row.pid)</td><td>\(HTML.escape(row.user))</td><td title=\"\(HTML.escape(row.cmdline))\">\(HTML.escape(row.command))</td>"
                + "<td class=\"n\">\(size(row.res))</td><td class=\"n\">\(size(row.pss))</td><td class=\"n\">\(size(row.uss))</td><td class=\"n\">\(size(row.swap))</td></tr>"
        }
        return html + "</tbody></table><p class=\"meta\">\(sweep.rows.count) processes; top 15 by PSS.</p>"
    }

    static func oneDecimal(_ value: Double) -> String { String(Double(Int((value * 10).rounded())) / 10) }

    static let style = """
        body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;background:#f6f7f9;color:#1d2330}
        header{background:#1d2330;color:#fff;padding:14px 24px}
        header h1{display:inline;font-size:20px;margin:0 12px 0 0}.host{color:#9fc3ff}
        .meta{color:#8d96a8;margin:4px 0 0;font-size:13px}
        main{padding:16px 24px;max-width:1200px}
        section{background:#fff;border:1px solid #e1e4ea;border-radius:8px;padding:12px 16px;margin-bottom:16px}
        h2{font-size:16px;margin:0 0 8px}h3{font-size:15px;margin:0 0 6px}h4{font-size:13px;margin:8px 0 2px;color:#555}
        .row{display:flex;gap:16px;flex-wrap:wrap}.row section{flex:1 1 460px}
        table{border-collapse:collapse;width:100%;font-size:13px}th,td{padding:3px 8px;border-bottom:1px solid #eef0f3;text-align:left}
        .n{text-align:right;font-variant-numeric:tabular-nums}
        .badge{display:inline-block;padding:1px 8px;border-radius:10px;font-size:12px;font-weight:600;color:#fff;background:#59a14f}
        .sev-INFO.badge{background:#4e79a7}.sev-WARNING.badge{background:#e8a33d}.sev-CRITICAL.badge{background:#d62728}.sev-UNKNOWN.badge{background:#777}
        .finding{border-left:4px solid #4e79a7;padding:6px 12px;margin:10px 0;background:#fafbfc}
        .finding.sev-WARNING{border-color:#e8a33d}.finding.sev-CRITICAL{border-color:#d62728}
        .rule{font-size:12px;color:#777}.evidence,.remedies{margin:0;padding-left:20px;font-size:13px}
        pre{background:#1d2330;color:#e6e6e6;padding:4px 8px;border-radius:4px;margin:2px 0;white-space:pre-wrap}
        .cost{color:#777;font-size:12px}.none{color:#777}
        .legend span{margin-right:12px;font-size:12px;white-space:nowrap}.legend i{display:inline-block;width:10px;height:10px;margin-right:4px;border-radius:2px}
        svg .axis{font-size:11px;fill:#777}.chart{width:100%;height:auto}
        """
}
