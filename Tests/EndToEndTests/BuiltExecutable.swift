import Foundation
import Testing

/// The `referral-bulk` executable of the build that made these tests. It is
/// a product of the same build as the test bundle, so it sits in the same
/// products folder, whatever the configuration (`debug`, `-c release`) or
/// `--scratch-path`: a child-process test never runs a stale binary of
/// another build.
enum BuiltExecutable {
    /// The products folder: the `.xctest` bundle's parent where the tests run
    /// as a loaded bundle (macOS), else the folder of the running test executable.
    static let productsFolder: URL = {
        if let bundle = Bundle.allBundles.first(where: { $0.bundleURL.pathExtension == "xctest" }) {
            return bundle.bundleURL.deletingLastPathComponent()
        }
        #if os(Linux)
            return URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
        #else
            return URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        #endif
    }()

    /// The path of `name` in the products folder; a test using it fails,
    /// naming the path tried, when it was not built.
    static func path(_ name: String = "referral-bulk") -> String {
        let path = productsFolder.appendingPathComponent(name).path
        if !FileManager.default.isExecutableFile(atPath: path) {
            Issue.record("\(name) was not built beside the tests: no executable at \(path) (run swift build --build-tests)")
        }
        return path
    }
}
