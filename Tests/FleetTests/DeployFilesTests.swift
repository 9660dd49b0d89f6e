import Foundation
import Testing
import TestSupport

@testable import Fleet

/// The metric names an expression or template mentions: identifiers that
/// are not functions, keywords, label names (inside braces or by/on/without
/// lists), strings, durations or numbers.
func metricNames(in expression: String) -> Set<String> {
    var text = expression
    let strip = [
        #""(?:[^"\\]|\\.)*""#, #"'(?:[^'\\]|\\.)*'"#, #"\{[^}]*\}"#, #"\[[^\]]*\]"#,
        #"\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)"#, #"\b[a-zA-Z_][a-zA-Z0-9_]*\s*\("#,
        #"\$[a-zA-Z_]+"#, #"\{\{[^}]*\}\}"#,
    ]
    for pattern in strip {
        text = text.replacingOccurrences(of: pattern, with: " ", options: .regularExpression)
    }
    let keywords: Set<String> = ["by", "without", "on", "ignoring", "group_left", "group_right", "and", "or", "unless",
                                 "bool", "offset", "inf", "nan"]
    let regex = try! NSRegularExpression(pattern: #"(?<![0-9.])\b[a-zA-Z_:][a-zA-Z0-9_:]*\b"#)
    let range = NSRange(text.startIndex..., in: text)
    return Set(regex.matches(in: text, range: range).compactMap { Range($0.range, in: text).map { String(text[$0]) } })
        .filter { !keywords.contains($0.lowercased()) }
}

let contractAndOwn = FleetMetric.all.union(FleetMetric.prometheusOwn)

struct MetricNameExtractionTests {
    @Test func findsMetricsAndSkipsEverythingElse() {
        #expect(metricNames(in: #"topk by (instance) (1, memsleuth_slab_cache_bytes{job="x",cache=~"a|b"})"#)
            == ["memsleuth_slab_cache_bytes"])
        #expect(metricNames(in: "max without (state) (deriv(memsleuth_dentries{state=\"total\"}[30m])) * 3600 > 5e4 and on (instance) up")
            == ["memsleuth_dentries", "up"])
        #expect(metricNames(in: "memsleuth_nonsense_total / node_memory_MemTotal_bytes") == ["memsleuth_nonsense_total", "node_memory_MemTotal_bytes"])
    }
}

@Suite(.enabled(if: prometheusAvailable, "needs promtool (Debian package prometheus)"))
struct AlertRulesTests {
    @Test func promtoolChecksTheRulesAndTheScrapeConfig() throws {
        let rules = try ExternalCommand.run(PrometheusServer.promtool, ["check", "rules", DeployFiles.alertRules])
        #expect(rules.exitCode == 0, "\(rules.stdout)\(rules.stderr)")
        let config = try ExternalCommand.run(PrometheusServer.promtool, ["check", "config", DeployFiles.scrapeConfig])
        #expect(config.exitCode == 0, "\(config.stdout)\(config.stderr)")
    }

    /// The incident's shape fires every alert it should, healthy hosts none,
    /// with the real `for:` durations and the annotations word for word.
    @Test func promtoolUnitTestsPass() throws {
        let run = try ExternalCommand.run(PrometheusServer.promtool, ["test", "rules", DeployFiles.alertTests])
        #expect(run.exitCode == 0, "\(run.stdout)\(run.stderr)")
        #expect(run.stdout.contains("SUCCESS"))
    }
}

struct AlertRulesContentTests {
    let text = (try? String(contentsOfFile: DeployFiles.alertRules, encoding: .utf8)) ?? ""

    @Test func everyExpressionUsesContractNames() throws {
        let expressions = text.components(separatedBy: "- alert:").dropFirst().map { block in
            String(block.components(separatedBy: "labels:").first ?? "")
        }
        #expect(expressions.count == 6)
        for expression in expressions {
            let expr = (expression.components(separatedBy: "expr:").last ?? "").components(separatedBy: "\n        for:")[0]
            let names = metricNames(in: expr)
            #expect(!names.isEmpty)
            #expect(names.isSubset(of: contractAndOwn), "unknown names: \(names.subtracting(contractAndOwn))")
        }
        // Templates' queries too.
        let templated = text.components(separatedBy: "printf \"").dropFirst().map { metricNames(in: String($0.prefix { $0 != "\"" })) }
        #expect(templated.count == 7)
        for names in templated { #expect(names.count == 1 && names.isSubset(of: FleetMetric.all), "\(names)") }
    }

    @Test func everyAlertTellsTheOperatorWhatToRun() {
        let alerts = text.components(separatedBy: "- alert:").dropFirst()
        #expect(alerts.count == 6)
        for alert in alerts {
            #expect(alert.contains("summary:"))
            #expect(alert.contains("description:"))
            #expect(alert.contains("`memsleuth doctor`"), "\(alert.prefix(60))")
            #expect(alert.contains("severity: warning") || alert.contains("severity: critical"))
        }
        #expect(text.contains("memsleuth_memory_used_slab_counted_ratio > 0.80"))
        #expect(text.contains("memsleuth_memory_used_slab_counted_ratio > 0.90"))
        #expect(text.contains(#"memsleuth_finding{severity="CRITICAL"}"#))
    }
}

struct DashboardTests {
    /// Every query string in the dashboard: panel targets, template
    /// variables and annotations.
    func expressions() throws -> [String] {
        let data = try #require(FileManager.default.contents(atPath: DeployFiles.dashboard))
        let document = try JSONSerialization.jsonObject(with: data)
        var found: [String] = []
        func walk(_ value: Any, key: String?) {
            if let object = value as? [String: Any] {
                for (key, child) in object { walk(child, key: key) }
            } else if let array = value as? [Any] {
                for child in array { walk(child, key: key) }
            } else if let string = value as? String, ["expr", "query", "definition"].contains(key) {
                found.append(string)
            }
        }
        walk(document, key: nil)
        return found
    }

    @Test func parsesAndHasPanelsForTheIncident() throws {
        let data = try #require(FileManager.default.contents(atPath: DeployFiles.dashboard))
        let document = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let panels = try #require(document["panels"] as? [[String: Any]])
        #expect(panels.count >= 12)
        let titles = panels.compactMap { $0["title"] as? String }
        #expect(titles.contains("Used, reclaimable slab counted"))
        #expect(titles.contains("Top slab caches"))
        #expect(titles.contains("Dentries over time"))
        #expect(titles.contains("Active findings"))
        #expect(Set(panels.compactMap { $0["id"] as? Int }).count == panels.count, "panel ids are unique")
    }

    @Test func everyExpressionUsesOnlyContractMetricNames() throws {
        let expressions = try expressions().filter { $0 != "prometheus" }  // the datasource variable's type
        #expect(expressions.count >= 16)
        var used: Set<String> = []
        for expression in expressions {
            // label_values(SERIES, LABEL): only SERIES names a metric.
            var promQL = expression
            if promQL.hasPrefix("label_values(") {
                promQL = String(promQL.dropFirst("label_values(".count).prefix { $0 != "," })
            }
            let names = metricNames(in: promQL)
            #expect(!names.isEmpty, "\(expression)")
            #expect(names.isSubset(of: contractAndOwn), "\(expression): \(names.subtracting(contractAndOwn))")
            used.formUnion(names)
        }
        #expect(used.contains(FleetMetric.memoryUsedSlabCountedRatio))
        #expect(used.contains(FleetMetric.slabCacheBytes))
        #expect(used.contains(FleetMetric.finding))
    }

    /// Each panel query is valid PromQL: promtool parses them as recording
    /// rules (with the dashboard variables filled in).
    @Test(.enabled(if: prometheusAvailable, "needs promtool")) func everyExpressionIsValidPromQL() throws {
        let expressions = try expressions().filter { !$0.hasPrefix("label_values") && $0 != "prometheus" }
        var rules = "groups:\n  - name: dashboard\n    rules:\n"
        for (index, expression) in expressions.enumerated() {
            let filled = expression.replacingOccurrences(of: "$instance", with: ".*").replacingOccurrences(of: "$job", with: "memsleuth")
            let quoted = filled.replacingOccurrences(of: "'", with: "''")
            rules += "      - record: dashboard:expr\(index)\n        expr: '\(quoted)'\n"
        }
        let directory = try makeTemporaryDirectory("memsleuth-dashboard")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try rules.write(toFile: directory + "/rules.yml", atomically: true, encoding: .utf8)
        let run = try ExternalCommand.run(PrometheusServer.promtool, ["check", "rules", directory + "/rules.yml"])
        #expect(run.exitCode == 0, "\(run.stdout)\(run.stderr)")
    }
}
