import ArgumentParser
import FrameGrab
import FrameGrabCommand

extension ApertureMode: ExpressibleByArgument {}
extension HDRPolicy: ExpressibleByArgument {}

extension OutputDepth: ExpressibleByArgument {
    public init?(argument: String) {
        guard let bits = Int(argument) else { return nil }
        self.init(rawValue: bits)
    }
}

/// `--png-compression`: a named preset or a zlib level 0–9 (zlib's string matching at that level).
struct PNGCompression: ExpressibleByArgument {
    let options: PNGOptions
    init?(argument: String) {
        switch argument {
        case "fast": options = .fast
        case "default": options = .default
        case "best": options = .best
        default:
            guard let value = Int(argument), (0...9).contains(value) else { return nil }
            options = PNGOptions(compressionLevel: value, strategy: .default, filter: .auto)
        }
    }
    static var allValueStrings: [String] { ["fast", "default", "best", "0", "1", "2", "3", "4", "5", "6", "7", "8", "9"] }
}

extension PNGOptions.Filter: ExpressibleByArgument {}
extension Shard: ExpressibleByArgument {}
extension ImageFormat: ExpressibleByArgument {}
