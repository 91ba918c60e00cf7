/// Why a `MediaAsset`'s `videoTrack` is the stream it is. The raw values are stable identifiers (the
/// command's `probe --json` prints them as `chosenBecause`).
///
/// Files often hold several video streams: a phone's motion photo (a clip and a full-size still), a
/// multi-angle recording, a file with a thumbnail stream. Unless the stream is named when the asset is
/// opened (`MediaAsset(path:limits:videoStream:)`), it is chosen among the video streams this FFmpeg can
/// decode, leaving out attached pictures (cover art): a moving stream wins over one-frame stills
/// (`StreamInfo.isOneFrameStill`), and otherwise FFmpeg's own choice stands (`av_find_best_stream`: the
/// stream flagged default, then one with several frames, then the highest bit rate, then the first).
///
/// ```swift
/// let asset = try MediaAsset(path: "PXL_20240101.MP.mp4")
/// print(asset.videoTrack.streamIndex, asset.videoStreamSelection)   // 0 movingOverStill
/// let still = try MediaAsset(path: "PXL_20240101.MP.mp4", videoStream: 1)
/// ```
public enum VideoStreamSelection: String, Sendable, CaseIterable {
    /// The stream was named when the asset was opened.
    case requested
    /// The file has no other video stream (attached pictures aside).
    case onlyVideoStream
    /// The only video stream this FFmpeg can decode; the others have no decoder.
    case onlyDecodable
    /// A moving stream, chosen over one or more one-frame stills (and, among several moving streams,
    /// FFmpeg's own choice).
    case movingOverStill
    /// FFmpeg's own choice among several video streams.
    case ffmpegDefault
}

extension VideoStreamSelection {
    /// The stream images come from: `requested` when it is a decodable video stream (else `invalidStream`),
    /// or the one chosen as the type's documentation says (`noVideoStream` when there is none). When no
    /// video stream can be decoded, FFmpeg's choice among all of them stands, so that opening succeeds and
    /// `MediaAsset.requireDecoder()` can say which codec is missing.
    static func choose(requested: Int?, streams: [StreamInfo], format: FormatContext, path: String)
        throws(FrameGrabError) -> (index: Int, selection: VideoStreamSelection) {
        let videos = streams.filter { $0.mediaType == .video && !$0.isAttachedPicture }
        if let requested {
            try check(requested, streams: streams, videos: videos, path: path)
            return (requested, .requested)
        }
        guard !videos.isEmpty else {
            let kinds = streams.map { $0.isAttachedPicture ? "cover art" : $0.mediaType.rawValue }
            let what = kinds.isEmpty ? "no streams at all"
                : kinds.count == 1 ? "one \(kinds[0]) stream" : "\(kinds.count) streams: " + kinds.joined(separator: ", ")
            throw FrameGrabError(.noVideoStream, "\(path): no video stream (the file has \(what))", path: path)
        }
        let decodable = videos.filter(\.isDecodable)
        let pool = decodable.isEmpty ? videos : decodable
        let moving = pool.filter { !$0.isOneFrameStill }
        let selection: VideoStreamSelection
        let among: [StreamInfo]
        if !moving.isEmpty && moving.count < pool.count {
            selection = .movingOverStill
            among = moving
        } else {
            selection = videos.count == 1 ? .onlyVideoStream : pool.count == 1 ? .onlyDecodable : .ffmpegDefault
            among = pool
        }
        let index = among.count == 1 ? among[0].index
            : format.bestVideoStream(among: Set(among.map(\.index))) ?? among[0].index
        return (index, selection)
    }

    /// Throws `invalidStream`, saying why, unless `index` is a video stream this FFmpeg can decode.
    private static func check(_ index: Int, streams: [StreamInfo], videos: [StreamInfo], path: String) throws(FrameGrabError) {
        let listed = videos.map { String($0.index) }
        let hint = listed.isEmpty ? "the file has no video stream"
            : listed.count == 1 ? "its video stream is \(listed[0])"
            : "its video streams are " + listed.dropLast().joined(separator: ", ") + " and " + listed.last!
        let problem: String
        if !streams.indices.contains(index) {
            problem = streams.isEmpty ? "no stream \(index) (the file has no streams)"
                : streams.count == 1 ? "no stream \(index) (the file has one stream, 0)"
                : "no stream \(index) (the file has streams 0 to \(streams.count - 1))"
        } else if streams[index].isAttachedPicture {
            problem = "stream \(index) is cover art (an attached picture), not a video stream"
        } else if streams[index].mediaType != .video {
            problem = "stream \(index) is \(streams[index].mediaType.rawValue), not video"
        } else if !streams[index].isDecodable {
            problem = "stream \(index) is \(streams[index].codecName) video, which this FFmpeg cannot decode"
        } else {
            return
        }
        throw FrameGrabError(.invalidStream, "\(path): \(problem); \(hint)", path: path)
    }
}
