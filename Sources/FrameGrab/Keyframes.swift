import CFFmpeg

extension MediaAsset {
    /// The presentation times of the video track's keyframes, on the requested-time scale (time 0 is the
    /// start of the file's timeline), sorted.
    ///
    /// Reads every packet of the video stream from the start of the file, but decodes nothing: the
    /// times are those the container gives the packets flagged as keyframes.
    ///
    /// ```swift
    /// let keyframes = try MediaAsset(path: "movie.mp4").keyframeTimes()   // [0, 4, 8, …]
    /// ```
    public func keyframeTimes() throws(FrameGrabError) -> [MediaTime] {
        let format = try takeDemuxer()
        let stream = format.stream(videoTrack.streamIndex)
        let timeBase = stream.pointee.time_base
        let ticks: [Int64]
        do {
            ticks = try format.keyframePacketTimestamps(stream: videoTrack.streamIndex)
        } catch {
            throw FrameGrabError(.readFailed, "\(path): cannot read the packets (\(error.message))", path: path)
        }
        // The same origin as the image generator's: the container start, or the stream's own start when the
        // two agree to within a microsecond (so that frame 0 is exactly at time 0).
        let streamStart = stream.pointee.start_time == fg_nopts_value() ? nil : stream.pointee.start_time
        var origin = streamStart ?? 0
        if let start = format.startTime {
            let converted = av_rescale_q_rnd(start, fg_time_base_q(), timeBase, AV_ROUND_NEAR_INF)
            origin = converted
            if let streamStart, abs(MediaTime(ticks: streamStart - converted, timeBase: timeBase).seconds) <= 1e-6 {
                origin = streamStart
            }
        }
        return ticks.map { MediaTime(ticks: $0 - origin, timeBase: timeBase) }
    }
}
