import Foundation
import FrameGrab

/// The committed fixture videos (made by scripts/make-fixtures) and the ground truth ffprobe recorded
/// about them in Tests/Fixtures/manifest.json.
public enum Fixtures {
    public static let folder = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures")

    public static func path(_ name: String) -> String { folder.appendingPathComponent(name).path }

    public static let videoNames = ["h264-bframes.mp4", "vp9.webm", "h264-offset.ts", "vfr.mkv", "rotated90.mp4", "anamorphic.mp4"]

    public struct Frame: Sendable {
        public let pts: Int64
        public let key: Bool
        public let duration: Int64?
        /// I, P or B.
        public let type: String
    }

    public struct Video: Sendable {
        public let name: String
        public let width: Int
        public let height: Int
        public let rotation: Int
        public let timeBase: (Int64, Int64)
        public let originTicks: Int64
        public let frames: [Frame]

        /// A frame's presentation time on the requested-time scale (0 = container start), exactly.
        public func time(ofFrame index: Int) -> MediaTime { time(ofTick: frames[index].pts) }

        public func time(ofTick tick: Int64) -> MediaTime {
            MediaTime(value: (tick - originTicks) * timeBase.0, timescale: Int32(timeBase.1))
        }

        /// Where the last frame stops being shown.
        public var end: MediaTime {
            let last = frames[frames.count - 1]
            return time(ofTick: last.pts + (last.duration ?? 0))
        }

        /// The index of the frame on screen at `time` (the last frame whose pts is at or before it; the first
        /// frame for earlier times), or nil at or past the end.
        public func frameShown(at time: MediaTime) -> Int? {
            if time >= end { return nil }
            var shown = 0
            for (index, _) in frames.enumerated() where self.time(ofFrame: index) <= time { shown = index }
            return shown
        }

        public var keyframeIndices: [Int] { frames.indices.filter { frames[$0].key } }
    }

    nonisolated(unsafe) static let manifest: [String: Any] = {
        let data = try! Data(contentsOf: folder.appendingPathComponent("manifest.json"))
        return try! JSONSerialization.jsonObject(with: data) as! [String: Any]
    }()

    /// A fixture's whole manifest entry (for the fields `Video` does not model, such as `patches`).
    public static func entry(_ name: String) -> [String: Any] { manifest[name] as! [String: Any] }

    public static func video(_ name: String) -> Video {
        let entry = manifest[name] as! [String: Any]
        let timeBase = entry["time_base"] as! [Int]
        let frames = (entry["frames"] as! [[String: Any]]).map { frame in
            Frame(pts: Int64(frame["pts"] as! Int), key: frame["key"] as! Bool, duration: (frame["duration"] as? Int).map(Int64.init),
                  type: frame["type"] as? String ?? "?")
        }
        return Video(name: name, width: entry["width"] as! Int, height: entry["height"] as! Int,
                     rotation: entry["rotation"] as! Int,
                     timeBase: (Int64(timeBase[0]), Int64(timeBase[1])),
                     originTicks: Int64(entry["format_start_ticks"] as! Int), frames: frames)
    }
}

/// Reads the frame number that every fixture frame carries in its top quarter: 16 blocks across the stored
/// picture, block i white when bit i is set. `orientation` is how the picture was turned for display, so that
/// the code is read from where it ended up.
public func frameNumber(in image: FrameImage, orientation: Orientation = .identity) -> Int {
    // Size of the picture before it was turned.
    let storedWidth = orientation.swapsDimensions ? image.height : image.width
    let storedHeight = orientation.swapsDimensions ? image.width : image.height
    var number = 0
    for bit in 0..<16 {
        let sx = Int((Double(bit) + 0.5) * Double(storedWidth) / 16)
        let sy = storedHeight / 8
        var (x, y) = (orientation.mirrored ? storedWidth - 1 - sx : sx, sy)
        switch orientation.rotation {
        case 90: (x, y) = (storedHeight - 1 - y, x)
        case 180: (x, y) = (storedWidth - 1 - x, storedHeight - 1 - y)
        case 270: (x, y) = (y, storedWidth - 1 - x)
        default: break
        }
        let luma = (0..<3).map { image.sample(x: x, y: y, channel: $0) }.reduce(0, +) / 3
        let full = image.pixelFormat.bitsPerChannel == 16 ? 65535 : 255
        if luma * 2 > full { number |= 1 << bit }
    }
    return number
}

// MARK: Files with several video streams

extension Fixtures {
    /// One video stream of a file with several, as the manifest's `video_streams` describes it.
    public struct VideoStream: Sendable {
        public let index: Int
        public let width: Int
        public let height: Int
        /// Whether the container flags the stream as the default one.
        public let isDefault: Bool
        /// The number the band of the stream's first frame shows (frame k shows `firstNumber + k`).
        public let firstNumber: Int
        /// The frames' presentation timestamps, in ticks of `timeBase`, sorted.
        public let pts: [Int64]
        public let timeBase: (Int64, Int64)

        /// Frame k's presentation time (these files start at 0).
        public func time(ofFrame k: Int) -> MediaTime {
            MediaTime(value: pts[k] * timeBase.0, timescale: Int32(timeBase.1))
        }
    }

    /// The video streams of `two-video-streams.mp4` or `clip-and-still.mp4`, in stream order.
    public static func videoStreams(_ name: String) -> [VideoStream] {
        (entry(name)["video_streams"] as! [[String: Any]]).map { stream in
            let timeBase = stream["time_base"] as! [Int]
            return VideoStream(index: stream["index"] as! Int, width: stream["width"] as! Int, height: stream["height"] as! Int,
                               isDefault: stream["default"] as! Bool, firstNumber: stream["first_number"] as! Int,
                               pts: (stream["pts"] as! [Int]).map(Int64.init), timeBase: (Int64(timeBase[0]), Int64(timeBase[1])))
        }
    }
}
