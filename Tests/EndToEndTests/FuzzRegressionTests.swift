import Foundation
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
        let process = Process()
        process.executableURL = Binaries.directory.appendingPathComponent("parley-fuzz")
        process.arguments = inputs
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
    }
}
