/// Facts read from every packet of the video stream, nothing decoded: keyframe times and, where the
/// container does not say, the video's length.
extension MediaAsset {
    /// The presentation times of the video track's keyframes, on the requested-time scale (time 0 is the
    /// start of the file's timeline, as for the image generator), sorted.
    ///
    /// Reads every packet of the video stream from the start of the file, but decodes nothing: the
    /// times are those the container gives the packets flagged as keyframes. Cancelling the calling task
    /// stops the reading at once (`cancelled`).
    ///
    /// ```swift
    /// let keyframes = try await MediaAsset.open(path: "movie.mp4").keyframeTimes()   // [0, 4, 8, …]
    /// ```
    public func keyframeTimes() async throws(FrameGrabError) -> [MediaTime] {
        try await readingPackets { format throws(FrameGrabError) in try self.keyframeTimes(in: format) }
    }

    /// `keyframeTimes()` on the calling thread, which it blocks while it reads the file.
    @available(*, noasync, message: "reads the whole file on the calling thread; use the async keyframeTimes()")
    public func keyframeTimes() throws(FrameGrabError) -> [MediaTime] {
        try deadline.working { () throws(FrameGrabError) in try keyframeTimes(in: try takeDemuxer()) }
    }

    /// How long the video lasts on the timeline: `videoDuration` when the container says, otherwise read
    /// from the packets (the end of the last one, nothing decoded), as for a WebM recorded live, an animated
    /// PNG or a FLIC file, which state no duration. Reading may take the whole file (cancelling the calling
    /// task stops it: `cancelled`); `.invalid` when no packet has a time.
    ///
    /// ```swift
    /// let length = try await asset.measuredVideoDuration()   // where to place 50%, or 16 evenly spaced times
    /// ```
    public func measuredVideoDuration() async throws(FrameGrabError) -> MediaTime {
        if videoDuration.isNumeric { return videoDuration }
        return try await readingPackets { format throws(FrameGrabError) in try self.videoLength(in: format) }
    }

    /// `measuredVideoDuration()` on the calling thread, which it blocks while it reads the file.
    @available(*, noasync, message: "may read the whole file on the calling thread; use the async measuredVideoDuration()")
    public func measuredVideoDuration() throws(FrameGrabError) -> MediaTime {
        if videoDuration.isNumeric { return videoDuration }
        return try deadline.working { () throws(FrameGrabError) in try videoLength(in: try takeDemuxer()) }
    }

    /// Runs `body` on a demuxer of its own, on the work pool, within the time limit; cancelling the calling
    /// task stops its reads at once.
    private func readingPackets<T: Sendable>(_ body: @escaping @Sendable (FormatContext) throws(FrameGrabError) -> T) async throws(FrameGrabError) -> T {
        let cancellation = CancellationFlag()
        let result: Result<T, FrameGrabError> = await withTaskCancellationHandler {
            await WorkPool.shared.run {
                do throws(FrameGrabError) {
                    return .success(try self.deadline.working { () throws(FrameGrabError) in
                        let format = try self.takeDemuxer()
                        format.stop(when: cancellation)
                        return try body(format)
                    })
                } catch {
                    return .failure(cancellation.isSet ? FrameGrabError(.cancelled, "\(self.path): cancelled", path: self.path) : error)
                }
            }
        } onCancel: {
            cancellation.set()
        }
        return try result.get()
    }

    /// A read that stopped: past the time limit it is `timedOut`, otherwise `readFailed` with FFmpeg's reason.
    private func readError(_ error: FFmpegError) -> FrameGrabError {
        if deadline.hasPassed { return FrameGrabError(timedOut: path, limit: deadline.limit, time: nil) }
        return FrameGrabError(.readFailed, "\(path): cannot read the packets (\(error.message))", path: path)
    }

    private func keyframeTimes(in format: FormatContext) throws(FrameGrabError) -> [MediaTime] {
        let stream = videoTrack.streamIndex
        let ticks: [Int64]
        do {
            ticks = try format.keyframePacketTimestamps(stream: stream)
        } catch {
            throw readError(error)
        }
        let origin = format.timelineOrigin(stream: stream)
        let timeBase = format.timeBase(stream: stream)
        return ticks.map { MediaTime(ticks: $0 - origin, timeBase: timeBase) }
    }

    private func videoLength(in format: FormatContext) throws(FrameGrabError) -> MediaTime {
        let stream = videoTrack.streamIndex
        let end: Int64?
        do {
            end = try format.lastPacketEnd(stream: stream, frameDuration: format.nominalFrameDuration(stream: stream))
        } catch {
            throw readError(error)
        }
        guard let end else { return .invalid }
        let length = MediaTime(ticks: end - format.timelineOrigin(stream: stream), timeBase: format.timeBase(stream: stream))
        return length > .zero ? length : .invalid
    }
}
