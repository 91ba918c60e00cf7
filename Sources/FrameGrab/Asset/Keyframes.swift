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
