/// From a decoded frame to the image handed out: geometry, conversion, tone mapping, orientation.
extension FrameExtractor {
    func picture(from frame: Frame, pts: Int64) throws(DecodeFailure) -> Picture {
        if let last = lastPicture, last.pts == pts { return last }
        if frame.isDamaged {
            throw .decodeFailed("the frame at \(clock.time(forTick: pts).decimalSeconds)s is damaged (the decoder reported errors in it)")
        }
        let track = asset.videoTrack
        let orientation = settings.appliesPreferredTrackTransform ? track.orientation : .identity
        let final = settings.imageSize(encoded: PixelSize(width: Int(frame.width), height: Int(frame.height)),
                                       sampleAspectRatio: reader.demuxer.sampleAspectRatio(stream: track.streamIndex, frame: frame),
                                       orientation: track.orientation)
        let scaled = orientation.swapsDimensions ? PixelSize(width: final.height, height: final.width) : final
        let image: FrameImage
        do {
            image = orientation.apply(to: try convert(frame, to: scaled))
        } catch {
            throw .decodeFailed("cannot convert the frame (\(error.message))")
        }
        imagesConverted += 1
        let picture = Picture(image: image, pts: pts, isKeyframe: isKeyframe(frame, pts: pts))
        lastPicture = picture
        return picture
    }

    /// The frame as RGB(A) at `size`, before orientation: alpha kept when the format has it, deinterlaced
    /// when the frame says it is interlaced (its first field, scaled to full height), HDR tone-mapped or
    /// kept as the policy says.
    func convert(_ frame: Frame, to size: PixelSize) throws(FFmpegError) -> FrameImage {
        let alpha = Scaler.hasAlpha(frame.pixelFormat)
        let colour = ColourProperties(frame: frame)
        let field: Int? = settings.deinterlaces && frame.isInterlaced ? frame.firstField : nil
        let wide: FrameImage.PixelFormat = alpha ? .rgba16 : .rgb16
        guard let transfer = colour.hdrTransfer else {
            let format = settings.outputDepth == .sixteen ? wide : (alpha ? .rgba8 : .rgb8)
            return try scaler.convert(frame, width: size.width, height: size.height, format: format, field: field)
        }
        let signal = try scaler.convert(frame, width: size.width, height: size.height, format: wide, field: field)
        switch settings.hdrPolicy {
        case .keep:
            var kept = signal
            kept.codePoints = CodingIndependentCodePoints(colourPrimaries: frame.colourPrimariesCode,
                                                          transferCharacteristics: transfer.codePoint)
            if kept.codePoints?.colourPrimaries == 2 { kept.codePoints?.colourPrimaries = 9 }  // unspecified: BT.2020
            return kept
        case .toneMap:
            return ToneMapping.apply(to: signal, transfer: transfer, wideGamut: colour.wideGamut,
                                     peak: frame.peakLuminance, depth: settings.outputDepth)
        }
    }
}
