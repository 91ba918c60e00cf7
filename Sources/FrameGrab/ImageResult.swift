/// An image made for one request.
public struct GeneratedImage: Sendable {
    public let image: FrameImage
    /// Presentation time of the frame the image shows, on the requested-time scale (0 = start of the file).
    public let actualTime: MediaTime
    /// Whether that frame is a keyframe (a frame that decodes on its own).
    public let isKeyframe: Bool
}

/// The answer to one request of `AssetImageGenerator.results(for:)`.
public struct ImageResult: Sendable {
    /// Position of the request in the list of times given.
    public let requestIndex: Int
    public let requestedTime: MediaTime
    public let outcome: Result<GeneratedImage, FrameGrabError>
}
