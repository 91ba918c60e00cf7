internal import CFFmpeg

// What FFmpeg says about a stream, as the Swift values the rest of FrameGrab uses.

extension VideoTrack {
    /// The video stream at `index` of an opened file.
    init(format: FormatContext, index: Int) {
        let stream = format.stream(index)
        let parameters = stream.pointee.codecpar.pointee
        streamIndex = index
        codecName = String(cString: avcodec_get_name(parameters.codec_id))
        isDecodable = avcodec_find_decoder(parameters.codec_id) != nil
        encodedSize = PixelSize(width: Int(parameters.width), height: Int(parameters.height))
        sampleAspectRatio = format.sampleAspectRatio(stream: index)
        var matrix = [Int32](repeating: 0, count: 9)
        orientation = fg_stream_display_matrix(stream, &matrix) != 0 ? Orientation(displayMatrix: matrix) : .identity
        displaySize = Geometry.displaySize(encoded: encodedSize, sampleAspectRatio: sampleAspectRatio,
                                           aperture: .productionAperture, orientation: orientation)
        let rate = stream.pointee.avg_frame_rate.num > 0 ? stream.pointee.avg_frame_rate : stream.pointee.r_frame_rate
        nominalFrameRate = rate.num > 0 && rate.den > 0 ? Double(rate.num) / Double(rate.den) : nil
        let format = AVPixelFormat(rawValue: parameters.format)
        pixelFormatName = av_get_pix_fmt_name(format).map { String(cString: $0) }
        timeBase = (Int(stream.pointee.time_base.num), Int(stream.pointee.time_base.den))
        frameRate = rate.num > 0 && rate.den > 0 ? (Int(rate.num), Int(rate.den)) : nil
        func named(_ name: UnsafePointer<CChar>?, unspecified: Bool) -> String? {
            unspecified ? nil : name.map { String(cString: $0) }
        }
        colorRange = named(av_color_range_name(parameters.color_range), unspecified: parameters.color_range == AVCOL_RANGE_UNSPECIFIED)
        colorPrimaries = named(av_color_primaries_name(parameters.color_primaries), unspecified: parameters.color_primaries == AVCOL_PRI_UNSPECIFIED)
        colorTransfer = named(av_color_transfer_name(parameters.color_trc), unspecified: parameters.color_trc == AVCOL_TRC_UNSPECIFIED)
        colorSpace = named(av_color_space_name(parameters.color_space), unspecified: parameters.color_space == AVCOL_SPC_UNSPECIFIED)
        frameCount = stream.pointee.nb_frames > 0 ? Int(stream.pointee.nb_frames) : nil
    }
}

extension StreamInfo {
    /// The stream at `index` of an opened file.
    init(format: FormatContext, index: Int) {
        let stream = format.stream(index)
        let parameters = stream.pointee.codecpar.pointee
        self.index = index
        switch parameters.codec_type {
        case AVMEDIA_TYPE_VIDEO: mediaType = .video
        case AVMEDIA_TYPE_AUDIO: mediaType = .audio
        case AVMEDIA_TYPE_SUBTITLE: mediaType = .subtitle
        case AVMEDIA_TYPE_DATA: mediaType = .data
        case AVMEDIA_TYPE_ATTACHMENT: mediaType = .attachment
        default: mediaType = .unknown
        }
        codecName = String(cString: avcodec_get_name(parameters.codec_id))
        isAttachedPicture = stream.pointee.disposition & AV_DISPOSITION_ATTACHED_PIC != 0
        size = PixelSize(width: Int(max(0, parameters.width)), height: Int(max(0, parameters.height)))
        sampleRate = mediaType == .audio ? Int(parameters.sample_rate) : 0
        channelCount = mediaType == .audio ? Int(parameters.ch_layout.nb_channels) : 0
        language = av_dict_get(stream.pointee.metadata, "language", nil, 0).map { String(cString: $0.pointee.value) }
        isDecodable = stream.pointee.hasDecoder
        frameCount = stream.pointee.nb_frames > 0 ? Int(stream.pointee.nb_frames) : nil
        isOneFrameStill = mediaType == .video && !isAttachedPicture && stream.pointee.isOneFrameStill
    }
}
