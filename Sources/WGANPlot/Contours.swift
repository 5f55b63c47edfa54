/// Contour lines by marching squares over a grid of values.
public enum Contours {
    /// The segments where the field crosses `level`, in grid coordinates (column, row), for a
    /// row-major field of `columns` × `rows` values. Cells with a non-finite corner are skipped.
    public static func segments(_ values: [Float], columns: Int, rows: Int, level: Double)
        -> [((Double, Double), (Double, Double))] {
        guard columns >= 2, rows >= 2, values.count == columns * rows else { return [] }
        var segments: [((Double, Double), (Double, Double))] = []
        for row in 0..<(rows - 1) {
            for column in 0..<(columns - 1) {
                // Corners counter-clockwise from the bottom left (low row, low column).
                let corners = [(column, row), (column + 1, row), (column + 1, row + 1), (column, row + 1)]
                let v = corners.map { Double(values[$0.1 * columns + $0.0]) }
                guard v.allSatisfy(\.isFinite) else { continue }
                var crossings: [(Double, Double)] = []
                for edge in 0..<4 {
                    // Each edge is interpolated from its lower corner, so that the two cells sharing
                    // it compute the same crossing to the bit and the lines join.
                    var (i, j) = (edge, (edge + 1) % 4)
                    if corners[j] < corners[i] { swap(&i, &j) }
                    let a = v[i], b = v[j]
                    guard (a < level) != (b < level) else { continue }
                    let t = (level - a) / (b - a)
                    let p = corners[i], q = corners[j]
                    crossings.append((Double(p.0) + t * Double(q.0 - p.0), Double(p.1) + t * Double(q.1 - p.1)))
                }
                // Two crossings: one segment; four (a saddle): pair them by the cell's mean.
                if crossings.count == 2 {
                    segments.append((crossings[0], crossings[1]))
                } else if crossings.count == 4 {
                    let centreAbove = v.reduce(0, +) / 4 >= level
                    let firstAbove = v[0] >= level
                    if centreAbove == firstAbove {
                        segments += [(crossings[0], crossings[1]), (crossings[2], crossings[3])]
                    } else {
                        segments += [(crossings[3], crossings[0]), (crossings[1], crossings[2])]
                    }
                }
            }
        }
        return segments
    }
}
