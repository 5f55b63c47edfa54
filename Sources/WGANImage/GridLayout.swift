/// Where torchvision's `make_grid` puts each image of a batch.
///
/// Images fill rows of `columns = min(nrow, count)` cells, left to right and top to bottom. A cell
/// is the image plus `padding` on its left and top; one more `padding` closes the right and bottom
/// edges. A batch of exactly one image is returned by `make_grid` as it is, without any padding.
struct GridLayout: Equatable {
    let columns: Int
    let rows: Int
    /// The grid's size in pixels.
    let width: Int
    let height: Int
    private let cellWidth: Int
    private let cellHeight: Int
    private let padding: Int

    /// Throws when the grid would be too large to address.
    init(count: Int, imageWidth: Int, imageHeight: Int, nrow: Int, padding: Int) throws {
        // make_grid returns a lone image untouched: the same as a 1×1 grid without padding.
        let padding = count == 1 ? 0 : padding
        columns = min(nrow, count)
        rows = (count + columns - 1) / columns
        cellWidth = try checkedSum(imageWidth, padding, what: "grid cell")
        cellHeight = try checkedSum(imageHeight, padding, what: "grid cell")
        self.padding = padding
        width = try checkedSum(checkedProduct(columns, cellWidth, what: "grid width"), padding, what: "grid width")
        height = try checkedSum(checkedProduct(rows, cellHeight, what: "grid height"), padding, what: "grid height")
        _ = try checkedProduct(width, height, 3, what: "grid")
    }

    /// The top-left pixel of image `index`.
    func origin(of index: Int) -> (x: Int, y: Int) {
        let (row, column) = index.quotientAndRemainder(dividingBy: columns)
        return (column * cellWidth + padding, row * cellHeight + padding)
    }
}
