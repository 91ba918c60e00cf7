/// Places decoded frames on the timeline, as the stream's `FrameTiming` says: by their own timestamps, by
/// the timestamps fed to the decoder in order, or by counting from the first frame.
struct FrameClock {
    let timing: FrameTiming
    /// One frame at the stream's stated rate, in ticks.
    let nominalFrameDuration: Int64
    /// Where counted time starts: the first frame of a stream without timestamps.
    let countedOrigin: Int64
    /// With `decodeOrder`: the timestamps of the packets given to the decoder whose frames have not come
    /// out yet, in order (the next frame out is shown at the first).
    private var slots: [Int64] = []
    private var slotsTaken = 0
    /// The length of the last interval between two frames, for a frame that says nothing of its own.
    private var lastInterval: Int64

    init(timing: FrameTiming, nominalFrameDuration: Int64, countedOrigin: Int64) {
        self.timing = timing
        self.nominalFrameDuration = nominalFrameDuration
        self.countedOrigin = countedOrigin
        lastInterval = nominalFrameDuration
    }

    /// Whether frame times follow from the packets' own timestamps, so that packet times tell which frames
    /// are shown when (for skipping hidden frames and draining).
    var packetTimesArePresentationTimes: Bool { timing == .presentationTimestamps }

    /// The decoder was positioned anew: nothing fed is pending.
    mutating func reset() {
        slots.removeAll(keepingCapacity: true)
        slotsTaken = 0
    }

    /// A packet at `time` (not cut off by an edit list) went to the decoder.
    mutating func fed(time: Int64) {
        if timing == .decodeOrder { slots.append(time) }
    }

    /// The presentation time of `frame`, just out of the decoder. `previous`: the frame before it since the
    /// decoder was positioned, with its time; `startPacketTime`: the time of the keyframe packet decoding
    /// started at; `fromStart`: whether decoding started at the start of the file. Nil when nothing places
    /// the frame (the first frame after a seek, without a time of its own).
    mutating func time(of frame: Frame, after previous: (frame: Frame, pts: Int64)?, startPacketTime: Int64?, fromStart: Bool) -> Int64? {
        let next = previous.map { $0.pts + duration(of: $0.frame) }
        switch timing {
        case .presentationTimestamps:
            return frame.bestEffortTimestamp ?? (previous == nil ? startPacketTime : nil) ?? next
        case .decodeOrder:
            guard slotsTaken < slots.count else { return next }
            defer {
                slotsTaken += 1
                if slotsTaken > 64 { slots.removeFirst(slotsTaken); slotsTaken = 0 }
            }
            return slots[slotsTaken]
        case .counted:
            return previous == nil ? (fromStart ? countedOrigin : nil) : next
        }
    }

    /// How long `frame` is shown: a counted frame its periods (`repeat_pict`), otherwise its own duration,
    /// else the interval between the last two frames.
    func duration(of frame: Frame) -> Int64 {
        if timing == .counted { return nominalFrameDuration * (2 + frame.repeatedHalfPeriods) / 2 }
        return frame.duration ?? lastInterval
    }

    /// Two frames followed each other `interval` ticks apart.
    mutating func observe(interval: Int64) {
        lastInterval = interval
    }
}
