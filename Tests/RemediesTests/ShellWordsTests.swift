@testable import Remedies
import Testing

@Suite struct ShellWordQuotingTests {
    @Test func safeWordsStayAndOthersAreSingleQuoted() {
        #expect(ShellWords.quoted("/usr/local/bin/lb-healthcheck.sh") == "/usr/local/bin/lb-healthcheck.sh")
        #expect(ShellWords.quoted("/opt/my scripts/check.sh") == "'/opt/my scripts/check.sh'")
        #expect(ShellWords.quoted("/tmp/it's.sh") == "'/tmp/it'\\''s.sh'")
        #expect(ShellWords.quoted("") == "''")
    }
}
