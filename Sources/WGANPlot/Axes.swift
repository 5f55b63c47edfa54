/// Which corner of the plot area a legend sits in.
public enum LegendLocation: Sendable {
    case upperRight, upperLeft, lowerRight, lowerLeft
}

/// One panel of a figure: series drawn over x and y axes, with a title, labels and a legend,
/// in the manner of matplotlib's `Axes`.
public final class Axes {
    public var title = ""
    public var xLabel = ""
    public var yLabel = ""
    public var xScale = AxisScale.linear
    public var yScale = AxisScale.linear
    /// Fixed limits; nil: from the data, padded.
    public var xLimits: (Double, Double)?
    public var yLimits: (Double, Double)?
    /// Custom tick positions and labels for the x axis (categories, layer numbers).
    public var xTicks: [(Double, String)]?
    public var showsLegend = true
    public var legendLocation = LegendLocation.upperRight
    public var showsGrid = true
    private(set) var series: [Series] = []

    init() {}

    enum Series {
        case line(xs: [Double], ys: [Double], color: PlotColor, width: Double, label: String?, dashed: Bool, markers: Bool)
        case scatter(xs: [Double], ys: [Double], color: PlotColor, size: Double, label: String?)
        case bars(edges: [Double], heights: [Double], color: PlotColor, label: String?)
        case field(Field)
    }

    /// A scalar field over a rectangle, drawn as a colour map with contour lines.
    struct Field {
        let values: [Float], columns: Int, rows: Int
        let xRange: (Double, Double), yRange: (Double, Double)
        let colormap: Colormap
        let contourLevels: Int
    }

    private func nextColor() -> PlotColor { PlotColor.cycle[series.count % PlotColor.cycle.count] }

    /// A line through (xs[i], ys[i]); non-finite points leave gaps.
    public func plot(_ xs: [Double], _ ys: [Double], color: PlotColor? = nil, width: Double = 1.8, label: String? = nil,
                     dashed: Bool = false, markers: Bool = false) {
        series.append(.line(xs: xs, ys: ys, color: color ?? nextColor(), width: width, label: label, dashed: dashed, markers: markers))
    }

    /// A line through (i, ys[i]).
    public func plot(_ ys: [Double], color: PlotColor? = nil, width: Double = 1.8, label: String? = nil) {
        plot(ys.indices.map(Double.init), ys, color: color, width: width, label: label)
    }

    /// Dots at (xs[i], ys[i]) of radius `size` pixels.
    public func scatter(_ xs: [Double], _ ys: [Double], color: PlotColor? = nil, size: Double = 2.5, label: String? = nil) {
        series.append(.scatter(xs: xs, ys: ys, color: color ?? nextColor(), size: size, label: label))
    }

    /// A histogram of `values` in `bins` equal bins over `range` (default: the values' range).
    /// - Returns: the bin edges and counts drawn.
    @discardableResult
    public func histogram(_ values: [Double], bins: Int = 50, range: (Double, Double)? = nil, color: PlotColor? = nil,
                          label: String? = nil) -> (edges: [Double], counts: [Int]) {
        let finite = values.filter(\.isFinite)
        let bins = max(1, bins)
        var (low, high) = range ?? (finite.min() ?? 0, finite.max() ?? 1)
        if !(high > low) { (low, high) = (low - 0.5, low + 0.5) }
        let width = (high - low) / Double(bins)
        var counts = [Int](repeating: 0, count: bins)
        for value in finite where value >= low && value <= high {
            counts[min(bins - 1, Int((value - low) / width))] += 1
        }
        let edges = (0...bins).map { low + Double($0) * width }
        bars(edges: edges, heights: counts.map(Double.init), color: color, label: label)
        return (edges, counts)
    }

    /// Bars between consecutive `edges`, of the given heights.
    public func bars(edges: [Double], heights: [Double], color: PlotColor? = nil, label: String? = nil) {
        series.append(.bars(edges: edges, heights: heights, color: color ?? nextColor(), label: label))
    }

    /// A field of `columns` × `rows` values (row-major, the first row at the bottom, y = yRange.0)
    /// as a smooth colour map with `contourLevels` contour lines; sets the axes' limits to it.
    public func filledContour(_ values: [Float], columns: Int, rows: Int, xRange: (Double, Double), yRange: (Double, Double),
                              colormap: Colormap = .viridis, contourLevels: Int = 10) {
        guard columns >= 1, rows >= 1, values.count == columns * rows else { return }
        series.append(.field(Field(values: values, columns: columns, rows: rows, xRange: xRange, yRange: yRange,
                                   colormap: colormap, contourLevels: contourLevels)))
        xLimits = xLimits ?? xRange
        yLimits = yLimits ?? yRange
        showsGrid = false
    }

    /// The limits the axes show: fixed ones, or the data's, padded (bars start at zero).
    func limits() -> (x: (Double, Double), y: (Double, Double)) {
        var xs: [Double] = [], ys: [Double] = []
        for item in series {
            switch item {
            case .line(let x, let y, _, _, _, _, _), .scatter(let x, let y, _, _, _):
                for (a, b) in zip(x, y) where a.isFinite && b.isFinite {
                    xs.append(a)
                    ys.append(b)
                }
            case .bars(let edges, let heights, _, _):
                xs += [edges.first ?? 0, edges.last ?? 1]
                ys += heights + (yScale == .linear ? [0] : [])
            case .field(let field):
                xs += [field.xRange.0, field.xRange.1]
                ys += [field.yRange.0, field.yRange.1]
            }
        }
        var y = yLimits ?? Ticks.paddedLimits(ys, scale: yScale)
        if yLimits == nil, yScale == .linear, ys.allSatisfy({ $0 >= 0 }), series.contains(where: { if case .bars = $0 { true } else { false } }) {
            y.0 = 0
        }
        return (xLimits ?? Ticks.paddedLimits(xs, scale: xScale), y)
    }

    /// The legend's entries: each labelled series' label and colour.
    var legendEntries: [(String, PlotColor, isLine: Bool)] {
        series.compactMap { item in
            switch item {
            case .line(_, _, let color, _, let label, _, _): label.map { ($0, color, true) }
            case .scatter(_, _, let color, _, let label), .bars(_, _, let color, let label): label.map { ($0, color, false) }
            case .field: nil
            }
        }
    }
}
