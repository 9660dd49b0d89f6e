import Diagnosis
import Testing

@Suite struct SeverityTests {
    @Test func exitCodesFollowTheMonitoringPluginConvention() {
        #expect(Severity.ok.exitCode == 0)
        #expect(Severity.info.exitCode == 0)
        #expect(Severity.warning.exitCode == 1)
        #expect(Severity.critical.exitCode == 2)
        #expect(Severity.unknownExitCode == 3)
        #expect(Severity.allCases.max() == .critical)
    }
}
