import CCairo
import Foundation

/// The one place that calls Cairo: a drawing surface (an image for PNG, a vector stream for
/// SVG) with the few primitives the plots need, in pixel coordinates from the top left.
final class CairoCanvas {
    enum Kind { case png, svg }

    let width: Double, height: Double
    private let surface: OpaquePointer
    private let context: OpaquePointer
    private let sink: ByteSink

    /// Collects the bytes Cairo streams out.
    final class ByteSink { var bytes: [UInt8] = [] }

    init(kind: Kind, width: Int, height: Int) throws(PlotError) {
        self.width = Double(width)
        self.height = Double(height)
        sink = ByteSink()
        switch kind {
        case .png:
            surface = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, Int32(width), Int32(height))
        case .svg:
            surface = cairo_svg_surface_create_for_stream(Self.collect, Unmanaged.passUnretained(sink).toOpaque(),
                                                          Double(width), Double(height))
            // Cairo sizes SVG documents in points by default, which a browser shows a third larger.
            cairo_svg_surface_set_document_unit(surface, CAIRO_SVG_UNIT_PX)
        }
        guard cairo_surface_status(surface) == CAIRO_STATUS_SUCCESS else {
            cairo_surface_destroy(surface)
            throw PlotError("Cairo could not make a \(width)×\(height) surface")
        }
        context = cairo_create(surface)
        cairo_select_font_face(context, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL)
    }

    deinit {
        cairo_destroy(context)
        cairo_surface_destroy(surface)
    }

    private static let collect: cairo_write_func_t = { closure, data, length in
        guard let closure, let data else { return CAIRO_STATUS_WRITE_ERROR }
        let sink = Unmanaged<ByteSink>.fromOpaque(closure).takeUnretainedValue()
        sink.bytes.append(contentsOf: UnsafeBufferPointer(start: data, count: Int(length)))
        return CAIRO_STATUS_SUCCESS
    }

    /// The finished file's bytes: the PNG encoding of the image, or the SVG document.
    func finish(kind: Kind) throws(PlotError) -> [UInt8] {
        switch kind {
        case .png:
            cairo_surface_flush(surface)
            let status = cairo_surface_write_to_png_stream(surface, Self.collect, Unmanaged.passUnretained(sink).toOpaque())
            guard status == CAIRO_STATUS_SUCCESS else { throw PlotError("Cairo could not encode the PNG: \(String(cString: cairo_status_to_string(status)))") }
        case .svg:
            cairo_surface_finish(surface)
        }
        return sink.bytes
    }

    // MARK: Drawing

    func setColor(_ color: PlotColor) {
        cairo_set_source_rgba(context, color.red, color.green, color.blue, color.alpha)
    }

    func fillRectangle(x: Double, y: Double, width: Double, height: Double, color: PlotColor) {
        setColor(color)
        cairo_rectangle(context, x, y, width, height)
        cairo_fill(context)
    }

    func strokeRectangle(x: Double, y: Double, width: Double, height: Double, color: PlotColor, lineWidth: Double = 1) {
        setColor(color)
        cairo_set_line_width(context, lineWidth)
        cairo_rectangle(context, x, y, width, height)
        cairo_stroke(context)
    }

    /// A polyline; a nil point breaks it (a gap where values were not finite).
    func strokePath(_ points: [(Double, Double)?], color: PlotColor, lineWidth: Double, dashed: Bool = false) {
        setColor(color)
        cairo_set_line_width(context, lineWidth)
        cairo_set_line_join(context, CAIRO_LINE_JOIN_ROUND)
        if dashed {
            let pattern: [Double] = [6, 4]
            cairo_set_dash(context, pattern, 2, 0)
        }
        var open = false
        for point in points {
            guard let (x, y) = point else { open = false; continue }
            if open { cairo_line_to(context, x, y) } else { cairo_move_to(context, x, y) }
            open = true
        }
        cairo_stroke(context)
        cairo_set_dash(context, nil, 0, 0)
    }

    /// Separate segments, one stroke.
    func strokeSegments(_ segments: [((Double, Double), (Double, Double))], color: PlotColor, lineWidth: Double) {
        setColor(color)
        cairo_set_line_width(context, lineWidth)
        for (a, b) in segments {
            cairo_move_to(context, a.0, a.1)
            cairo_line_to(context, b.0, b.1)
        }
        cairo_stroke(context)
    }

    func fillCircles(_ centres: [(Double, Double)], radius: Double, color: PlotColor) {
        setColor(color)
        for (x, y) in centres {
            cairo_new_sub_path(context)
            cairo_arc(context, x, y, radius, 0, 2 * Double.pi)
        }
        cairo_fill(context)
    }

    /// Draws an RGB(A) raster (premultiplied ARGB32, row-major from the top) into a rectangle,
    /// smoothly scaled.
    func drawRaster(_ pixels: [UInt32], columns: Int, rows: Int, into rect: (x: Double, y: Double, width: Double, height: Double)) {
        var data = pixels
        let stride = Int(cairo_format_stride_for_width(CAIRO_FORMAT_ARGB32, Int32(columns)))
        guard stride == 4 * columns else { return }
        data.withUnsafeMutableBytes { bytes in
            guard let base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return }
            let image = cairo_image_surface_create_for_data(base, CAIRO_FORMAT_ARGB32, Int32(columns), Int32(rows), Int32(stride))
            defer { cairo_surface_destroy(image) }
            cairo_save(context)
            cairo_rectangle(context, rect.x, rect.y, rect.width, rect.height)
            cairo_clip(context)
            cairo_translate(context, rect.x, rect.y)
            cairo_scale(context, rect.width / Double(columns), rect.height / Double(rows))
            cairo_set_source_surface(context, image, 0, 0)
            cairo_pattern_set_filter(cairo_get_source(context), CAIRO_FILTER_BILINEAR)
            cairo_pattern_set_extend(cairo_get_source(context), CAIRO_EXTEND_PAD)
            cairo_paint(context)
            cairo_restore(context)
        }
    }

    /// Restricts drawing to a rectangle until `unclip`.
    func clip(x: Double, y: Double, width: Double, height: Double) {
        cairo_save(context)
        cairo_rectangle(context, x, y, width, height)
        cairo_clip(context)
    }

    func unclip() { cairo_restore(context) }

    enum Anchor { case left, centre, right }

    /// Text with its baseline's `anchor` point at (x, y) (the middle of its height for `middle`),
    /// turned by `degrees` counter-clockwise.
    func text(_ string: String, x: Double, y: Double, size: Double, anchor: Anchor = .left, middle: Bool = false,
              degrees: Double = 0, color: PlotColor = .black, bold: Bool = false) {
        cairo_select_font_face(context, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL, bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL)
        cairo_set_font_size(context, size)
        var extents = cairo_text_extents_t()
        cairo_text_extents(context, string, &extents)
        let dx: Double = switch anchor {
        case .left: 0
        case .centre: -extents.x_advance / 2
        case .right: -extents.x_advance
        }
        let dy = middle ? size * 0.35 : 0
        cairo_save(context)
        setColor(color)
        cairo_translate(context, x, y)
        cairo_rotate(context, -degrees * Double.pi / 180)
        cairo_move_to(context, dx, dy)
        cairo_show_text(context, string)
        cairo_restore(context)
    }

    /// The width `string` takes at `size`.
    func textWidth(_ string: String, size: Double) -> Double {
        cairo_set_font_size(context, size)
        var extents = cairo_text_extents_t()
        cairo_text_extents(context, string, &extents)
        return extents.x_advance
    }
}

/// Why a figure could not be drawn or written.
public struct PlotError: Error, CustomStringConvertible, Sendable {
    public let description: String
    init(_ description: String) { self.description = description }
}
