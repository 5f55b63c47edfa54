// Winograd F(2×2, 3×3) transforms (Lavin & Gray, 2015) for 3×3 stride-1 convolutions. A 2×2
// output tile is Aᵀ[(G g Gᵀ) ⊙ (Bᵀ d B)]A for the 4×4 input patch d and the 3×3 kernel g: 16
// products per tile and channel pair instead of 36. The transforms' coefficients are 0, ±1 and
// ±1/2, so they add no rounding beyond a few additions. See CKernels.h for the layouts.
#include "CKernels.h"

// Tiles go through in row segments: the tiles of one tile row of one sample, from tx0 to tx1,
// at chunk positions t0, t0 + 1, …, so that no tile needs a division to find its place and the
// transforms run over whole rows, which the compiler vectorises.
struct segment { long sample, ty, tx0, tx1, t0; };

// The segments of tiles first ..< end, in order.
struct segments { long tile, end, first, tiles_high, tiles_wide; };

static inline int next_segment(struct segments *it, struct segment *seg) {
    if (it->tile >= it->end) return 0;
    long row = it->tile / it->tiles_wide, tx = it->tile % it->tiles_wide;
    long n = it->tiles_wide - tx < it->end - it->tile ? it->tiles_wide - tx : it->end - it->tile;
    *seg = (struct segment){row / it->tiles_high, row % it->tiles_high, tx, tx + n, it->tile - it->first};
    it->tile += n;
    return 1;
}

// The widest tile row the stack buffers hold (Winograd.applies keeps wider images on im2col).
#define ROW_TILES (WGAN_WINOGRAD_MAX_WIDTH / 2)

void wgan_winograd_input(const float *x, long channels, long height, long width, long sample_stride,
                         long pad_top, long pad_left, long tiles_high, long tiles_wide,
                         long first_tile, long tile_count, float *v) {
    const long slice = channels * tile_count;
    for (long c = 0; c < channels; c++) {
        struct segments it = {first_tile, first_tile + tile_count, first_tile, tiles_high, tiles_wide};
        struct segment seg;
        while (next_segment(&it, &seg)) {
            const float *plane = x + seg.sample * sample_stride + c * height * width;
            // The four input rows of the tile row, from x = −pad_left, zero outside the image.
            float rows[4][2 * ROW_TILES + 2], vertical[4][2 * ROW_TILES + 2];
            long x_first = 2 * seg.tx0, x_end = 2 * seg.tx1 + 2;
            for (int i = 0; i < 4; i++) {
                long y = 2 * seg.ty - pad_top + i;
                for (long xx = x_first; xx < x_end; xx++) {
                    long source = xx - pad_left;
                    rows[i][xx] = (y >= 0 && y < height && source >= 0 && source < width) ? plane[y * width + source] : 0.0f;
                }
            }
            // Bᵀ d over the rows: (d0 − d2, d1 + d2, d2 − d1, d1 − d3).
            for (long xx = x_first; xx < x_end; xx++) {
                float d0 = rows[0][xx], d1 = rows[1][xx], d2 = rows[2][xx], d3 = rows[3][xx];
                vertical[0][xx] = d0 - d2; vertical[1][xx] = d1 + d2; vertical[2][xx] = d2 - d1; vertical[3][xx] = d1 - d3;
            }
            // (Bᵀ d) B over each tile's four columns 2tx … 2tx + 3.
            for (int i = 0; i < 4; i++) {
                const float *r = vertical[i];
                float *o0 = v + (4 * i) * slice + c * tile_count + seg.t0 - seg.tx0;
                float *o1 = o0 + slice, *o2 = o1 + slice, *o3 = o2 + slice;
                for (long tx = seg.tx0; tx < seg.tx1; tx++) {
                    float r0 = r[2 * tx], r1 = r[2 * tx + 1], r2 = r[2 * tx + 2], r3 = r[2 * tx + 3];
                    o0[tx] = r0 - r2; o1[tx] = r1 + r2; o2[tx] = r2 - r1; o3[tx] = r1 - r3;
                }
            }
        }
    }
}

void wgan_winograd_kernel(const float *w, long out_channels, long in_channels, int flip_transposed, float *u) {
    // flip_transposed: the kernel of the input gradient, g'[c][o] = rot180(w[o][c]), so that
    // u is [16][in_channels][out_channels] of the original's roles swapped.
    const long rows = flip_transposed ? in_channels : out_channels, cols = flip_transposed ? out_channels : in_channels;
    const long slice = rows * cols;
    for (long o = 0; o < out_channels; o++) {
        for (long c = 0; c < in_channels; c++) {
            const float *k = w + (o * in_channels + c) * 9;
            float g[9], t[12];
            for (int i = 0; i < 9; i++) g[i] = flip_transposed ? k[8 - i] : k[i];
            // G g: rows (g0, (g0 + g1 + g2)/2, (g0 − g1 + g2)/2, g2).
            for (int j = 0; j < 3; j++) {
                float g0 = g[j], g1 = g[3 + j], g2 = g[6 + j];
                t[j] = g0; t[3 + j] = 0.5f * (g0 + g1 + g2); t[6 + j] = 0.5f * (g0 - g1 + g2); t[9 + j] = g2;
            }
            long row = flip_transposed ? c : o, col = flip_transposed ? o : c;
            float *out = u + row * cols + col;
            for (int i = 0; i < 4; i++) {
                float t0 = t[3 * i], t1 = t[3 * i + 1], t2 = t[3 * i + 2];
                out[(4 * i) * slice] = t0;
                out[(4 * i + 1) * slice] = 0.5f * (t0 + t1 + t2);
                out[(4 * i + 2) * slice] = 0.5f * (t0 - t1 + t2);
                out[(4 * i + 3) * slice] = t2;
            }
        }
    }
}

void wgan_winograd_output(const float *m, long channels, long first_tile, long tile_count, long tiles_high, long tiles_wide,
                          long out_height, long out_width, long sample_stride, float *y) {
    const long slice = channels * tile_count;
    for (long o = 0; o < channels; o++) {
        struct segments it = {first_tile, first_tile + tile_count, first_tile, tiles_high, tiles_wide};
        struct segment seg;
        while (next_segment(&it, &seg)) {
            float out[2][2 * ROW_TILES];
            const float *in = m + o * tile_count + seg.t0 - seg.tx0;
            // Aᵀ M: rows (m0 + m1 + m2, m1 − m2 − m3) of each column, then the same on the columns.
            for (long tx = seg.tx0; tx < seg.tx1; tx++) {
                float r[8];
                for (int j = 0; j < 4; j++) {
                    float m0 = in[j * slice + tx], m1 = in[(4 + j) * slice + tx], m2 = in[(8 + j) * slice + tx], m3 = in[(12 + j) * slice + tx];
                    r[j] = m0 + m1 + m2; r[4 + j] = m1 - m2 - m3;
                }
                for (int i = 0; i < 2; i++) {
                    out[i][2 * tx] = r[4 * i] + r[4 * i + 1] + r[4 * i + 2];
                    out[i][2 * tx + 1] = r[4 * i + 1] - r[4 * i + 2] - r[4 * i + 3];
                }
            }
            float *plane = y + seg.sample * sample_stride + o * out_height * out_width;
            long x_first = 2 * seg.tx0, x_end = 2 * seg.tx1 < out_width ? 2 * seg.tx1 : out_width;
            for (int i = 0; i < 2 && 2 * seg.ty + i < out_height; i++) {
                float *row = plane + (2 * seg.ty + i) * out_width;
                for (long xx = x_first; xx < x_end; xx++) row[xx] = out[i][xx];
            }
        }
    }
}

void wgan_winograd_output_gradient(const float *gy, long channels, long first_tile, long tile_count, long tiles_high,
                                   long tiles_wide, long out_height, long out_width, long sample_stride, float *z) {
    const long slice = channels * tile_count;
    for (long o = 0; o < channels; o++) {
        struct segments it = {first_tile, first_tile + tile_count, first_tile, tiles_high, tiles_wide};
        struct segment seg;
        while (next_segment(&it, &seg)) {
            // The tile row's two output-gradient rows, zero past the edges.
            float g[2][2 * ROW_TILES];
            const float *plane = gy + seg.sample * sample_stride + o * out_height * out_width;
            long x_first = 2 * seg.tx0, x_end = 2 * seg.tx1;
            for (int i = 0; i < 2; i++) {
                long yy = 2 * seg.ty + i;
                for (long xx = x_first; xx < x_end; xx++) {
                    g[i][xx] = (yy < out_height && xx < out_width) ? plane[yy * out_width + xx] : 0.0f;
                }
            }
            // A g Aᵀ, A = [[1, 0], [1, 1], [1, −1], [0, −1]]: rows (g0, g0 + g1, g0 − g1, −g1), then columns.
            float *out = z + o * tile_count + seg.t0 - seg.tx0;
            for (long tx = seg.tx0; tx < seg.tx1; tx++) {
                float r[8];
                for (int j = 0; j < 2; j++) {
                    float g0 = g[0][2 * tx + j], g1 = g[1][2 * tx + j];
                    r[j] = g0; r[2 + j] = g0 + g1; r[4 + j] = g0 - g1; r[6 + j] = -g1;
                }
                for (int i = 0; i < 4; i++) {
                    float r0 = r[2 * i], r1 = r[2 * i + 1];
                    out[(4 * i) * slice + tx] = r0;
                    out[(4 * i + 1) * slice + tx] = r0 + r1;
                    out[(4 * i + 2) * slice + tx] = r0 - r1;
                    out[(4 * i + 3) * slice + tx] = -r1;
                }
            }
        }
    }
}

void wgan_winograd_kernel_gradient(const float *du, long out_channels, long in_channels, float *dw) {
    // dW = Gᵀ dU G, Gᵀ = [[1, ½, ½, 0], [0, ½, −½, 0], [0, ½, ½, 1]].
    const long slice = out_channels * in_channels;
    for (long o = 0; o < out_channels; o++) {
        for (long c = 0; c < in_channels; c++) {
            const float *in = du + o * in_channels + c;
            float t[12];
            for (int j = 0; j < 4; j++) {
                float u0 = in[j * slice], u1 = in[(4 + j) * slice], u2 = in[(8 + j) * slice], u3 = in[(12 + j) * slice];
                t[j] = u0 + 0.5f * (u1 + u2); t[4 + j] = 0.5f * (u1 - u2); t[8 + j] = 0.5f * (u1 + u2) + u3;
            }
            float *k = dw + (o * in_channels + c) * 9;
            for (int i = 0; i < 3; i++) {
                float t0 = t[4 * i], t1 = t[4 * i + 1], t2 = t[4 * i + 2], t3 = t[4 * i + 3];
                k[3 * i] = t0 + 0.5f * (t1 + t2);
                k[3 * i + 1] = 0.5f * (t1 - t2);
                k[3 * i + 2] = 0.5f * (t1 + t2) + t3;
            }
        }
    }
}
