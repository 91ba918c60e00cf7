@testable import FrameGrab
import Testing

/// The keyframe map and its planner, without FFmpeg: maps shaped like what each kind of container gives.
@Suite struct KeyframeMapTests {
    typealias Keyframe = KeyframeMap.Keyframe

    static func keyframe(_ pts: Int64, exact: Bool = true) -> Keyframe {
        Keyframe(pts: pts, seekTimestamp: pts, position: pts * 10, keyframesAfterPosition: 0, exact: exact, packetTime: exact ? pts : nil)
    }

    /// An MP4 or AVI sample table: every keyframe known from the start (here every 100 ticks).
    static let sampleTable = KeyframeMap(complete: stride(from: 0, through: 1000, by: 100).map { keyframe($0) })

    @Test func startIsTheLastKeyframeAtOrBeforeTheTarget() {
        let map = Self.sampleTable
        #expect(map.start(for: 250).keyframe?.pts == 200)
        #expect(map.start(for: 300).keyframe?.pts == 300)
        #expect(map.start(for: 299).keyframe?.pts == 200)
        #expect(map.start(for: 5000).keyframe?.pts == 1000)
        // Before the first keyframe: none, and that is known.
        let late = KeyframeMap(complete: [Self.keyframe(40), Self.keyframe(140)])
        #expect(late.start(for: 10).keyframe == nil && late.start(for: 10).known)
    }

    @Test func nearestKeyframeInAnUnboundedWindow() throws {
        let map = Self.sampleTable
        // Only keyframes that can win are offered: past T + 40, none can beat the one at 200.
        #expect(try #require(map.candidates(near: 240, lower: .min, upper: .max)).map(\.pts) == [200])
        #expect(try #require(map.candidates(near: 260, lower: .min, upper: .max)).map(\.pts) == [300, 200])
        // A tie goes to the earlier keyframe.
        #expect(try #require(map.candidates(near: 250, lower: .min, upper: .max)).first?.pts == 200)
        // Past the last keyframe (and past the end): the last one.
        #expect(try #require(map.candidates(near: 99_999, lower: .min, upper: .max)).map(\.pts) == [1000])
    }

    @Test func boundedWindows() throws {
        let map = Self.sampleTable
        // Only the keyframe after the target is inside [T, T + 50].
        let after = try #require(map.candidates(near: 260, lower: 260, upper: 310))
        #expect(after.map(\.pts) == [200, 300])  // 200 counts only if still on screen at 260 (checked by decoding)
        // Nothing after the target inside the window: the one before it, if on screen.
        #expect(try #require(map.candidates(near: 210, lower: 150, upper: 260)).map(\.pts) == [200])
        // A window holding no keyframe at all, and none before it on screen: the caller goes exact.
        #expect(try #require(map.candidates(near: 250, lower: 240, upper: 260)).map(\.pts) == [200])
    }

    /// MPEG-TS, MPEG-PS, raw streams: nothing is known until packets are read; then only the stretch read.
    @Test func aMapBuiltFromPacketsAnswersOnlyWhereItHasRead() throws {
        var map = KeyframeMap()
        #expect(map.candidates(near: 500, lower: .min, upper: .max) == nil)
        #expect(!map.start(for: 500).known)
        // A read from the keyframe at 400 up to the first keyframe after 500.
        map.record([Self.keyframe(400), Self.keyframe(700)], span: 400...700)
        #expect(try #require(map.candidates(near: 500, lower: .min, upper: .max)).map(\.pts) == [400])
        #expect(try #require(map.candidates(near: 600, lower: .min, upper: .max)).map(\.pts) == [700, 400])
        #expect(map.start(for: 650).keyframe?.pts == 400)
        // Outside the stretch read, it does not guess.
        #expect(map.candidates(near: 800, lower: .min, upper: .max) == nil)
        #expect(map.candidates(near: 300, lower: .min, upper: .max) == nil)
        // A later read from the start of the stream joins up with it.
        map.record([Self.keyframe(0), Self.keyframe(400)], span: Int64.min...400)
        #expect(map.covered == [Int64.min...700])
        #expect(try #require(map.candidates(near: 100, lower: .min, upper: .max)).map(\.pts) == [0])
        #expect(map.keyframes.map(\.pts) == [0, 400, 700])
    }

    /// A stream with one keyframe at its start (HEVC in MPEG-TS): a read to the end knows there is no other.
    @Test func oneKeyframeReadToTheEnd() throws {
        var map = KeyframeMap()
        map.record([Self.keyframe(132_000)], span: Int64.min...Int64.max)
        #expect(try #require(map.candidates(near: 1_000_000, lower: .min, upper: .max)).map(\.pts) == [132_000])
        #expect(try #require(map.candidates(near: 140_000, lower: 100_000, upper: 200_000)).map(\.pts) == [132_000])
        #expect(map.isKeyframe(at: 132_000) && !map.isKeyframe(at: 132_001))
    }

    /// Open GOP read from packets: the keyframe's leading pictures are presented before it, so a target
    /// among them starts at the previous keyframe.
    @Test func targetsAmongLeadingPicturesStartAtThePreviousKeyframe() {
        var map = KeyframeMap()
        // MPEG-2 open GOP: I at 300 whose B-frames show at 240 and 270 (decoded after it).
        map.record([Self.keyframe(0), Self.keyframe(300), Self.keyframe(600)], span: Int64.min...600)
        #expect(map.start(for: 270).keyframe?.pts == 0)
        #expect(map.start(for: 300).keyframe?.pts == 300)
    }

    /// An MP4 index of decode times: presentation times are estimates until read from the packets.
    @Test func estimatesNearTheTargetAreResolvedFirst() throws {
        var map = KeyframeMap(complete: [0, 100, 200, 300, 400, 500, 600, 700, 800].map { Self.keyframe($0, exact: false) })
        let pending = map.estimates(near: 420, count: 2)
        #expect(pending.map { map.keyframes[$0].pts } == [300, 400, 500, 600])
        // Read from the packets, the keyframes are presented a frame later than estimated.
        map.resolve(pending.map { ($0, map.keyframes[$0].pts + 30) })
        #expect(map.keyframes.map(\.pts) == [0, 100, 200, 330, 430, 530, 630, 700, 800])
        #expect(map.estimates(near: 420, count: 1).isEmpty)
        #expect(try #require(map.candidates(near: 420, lower: .min, upper: .max)).map(\.pts) == [430, 330])
    }

    /// Keyframes read from packets whose times are not presentation times (NUT, MPEG-PS, raw streams) are not
    /// the index's estimates: reading their packet again tells nothing (and a seek to their time may land on
    /// the keyframe before), so they are left to be decoded.
    @Test func keyframesReadFromPacketsAreNotResolvedByASeek() {
        var map = KeyframeMap()
        let read = [0, 100, 200, 300].map { Keyframe(pts: $0, seekTimestamp: $0, position: $0 * 10, exact: false, packetTime: $0) }
        map.record(read, span: Int64.min...300)
        #expect(map.estimates(near: 300, count: 3).isEmpty)
        #expect(map.candidates(near: 300, lower: .min, upper: .max)?.first == read[3])
    }
}
