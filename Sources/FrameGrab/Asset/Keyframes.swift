extension MediaAsset {
    /// The presentation times of the video track's keyframes, on the requested-time scale (time 0 is the
    /// start of the file's timeline, as for the image generator), sorted.
    ///
    /// Reads every packet of the video stream from the start of the file, but decodes nothing: the
    /// times are those the container gives the packets flagged as keyframes.
    ///
    /// ```swift
    /// let keyframes = try await MediaAsset.open(path: "movie.mp4").keyframeTimes()   // [0, 4, 8, …]
    /// ```
    public func keyframeTimes() async throws(FrameGrabError) -> [MediaTime] {
        try await WorkPool.shared.run { () throws(FrameGrabError) in try self.deadline.working { () throws(FrameGrabError) in try self.keyframeTimesBlocking() } }
    }

    /// `keyframeTimes()` on the calling thread, which it blocks while it reads the file.
    @available(*, noasync, message: "reads the whole file on the calling thread; use the async keyframeTimes()")
    public func keyframeTimes() throws(FrameGrabError) -> [MediaTime] {
        try deadline.working { () throws(FrameGrabError) in try keyframeTimesBlocking() }
    }

    private func keyframeTimesBlocking() throws(FrameGrabError) -> [MediaTime] {
        let format = try takeDemuxer()
        let stream = videoTrack.streamIndex
        let ticks: [Int64]
        do {
            ticks = try format.keyframePacketTimestamps(stream: stream)
        } catch {
            throw FrameGrabError(.readFailed, "\(path): cannot read the packets (\(error.message))", path: path)
        }
        let origin = format.timelineOrigin(stream: stream)
        let timeBase = format.timeBase(stream: stream)
        return ticks.map { MediaTime(ticks: $0 - origin, timeBase: timeBase) }
    }
}

extension MediaAsset {
    /// How long the video lasts on the timeline: `videoDuration` when the container says, otherwise read
    /// from the packets (the end of the last one, nothing decoded), as for a WebM recorded live, an animated
    /// PNG or a FLIC file, which state no duration. Reading may take the whole file; `.invalid` when no
    /// packet has a time.
    ///
    /// ```swift
    /// let length = try await asset.measuredVideoDuration()   // where to place 50%, or 16 evenly spaced times
    /// ```
    public func measuredVideoDuration() async throws(FrameGrabError) -> MediaTime {
        if videoDuration.isNumeric { return videoDuration }
        return try await WorkPool.shared.run { () throws(FrameGrabError) in
            try self.deadline.working { () throws(FrameGrabError) in try self.measuredVideoDurationBlocking() }
        }
    }

    /// `measuredVideoDuration()` on the calling thread, which it blocks while it reads the file.
    @available(*, noasync, message: "may read the whole file on the calling thread; use the async measuredVideoDuration()")
    public func measuredVideoDuration() throws(FrameGrabError) -> MediaTime {
        if videoDuration.isNumeric { return videoDuration }
        return try deadline.working { () throws(FrameGrabError) in try measuredVideoDurationBlocking() }
    }

    private func measuredVideoDurationBlocking() throws(FrameGrabError) -> MediaTime {
        let format = try takeDemuxer()
        let stream = videoTrack.streamIndex
        let end: Int64?
        do {
            end = try format.lastPacketEnd(stream: stream, frameDuration: format.nominalFrameDuration(stream: stream))
        } catch {
            throw FrameGrabError(.readFailed, "\(path): cannot read the packets (\(error.message))", path: path)
        }
        guard let end else { return .invalid }
        let length = MediaTime(ticks: end - format.timelineOrigin(stream: stream), timeBase: format.timeBase(stream: stream))
        return length > .zero ? length : .invalid
    }
}
