import Foundation
import ParleyProcess
import ParleyTesting
import Testing

/// Replays the fuzzer's seed corpus and every input it ever crashed on through the plain `parley-fuzz`
/// build, which runs the same harness without libFuzzer.
@Suite struct FuzzRegressionTests {
    @Test func everyKeptInputRunsWithoutCrashing() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fuzz")
        var inputs: [String] = []
        for folder in ["corpus", "regressions"] {
            let directory = root.appendingPathComponent(folder)
            let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []  // may not exist
            inputs += names.filter { !$0.hasPrefix(".") }.map { directory.appendingPathComponent($0).path }
        }
        #expect(inputs.count >= 3)
        let replay = try Child(Binaries.directory.appendingPathComponent("parley-fuzz"), inputs) { options in
            options.standardOutput = .handle(.nullDevice)
        }
        #expect(try replay.waitForExit(within: 120) == 0)
    }
}
