// swift-tools-version:6.0
import PackageDescription

/// Release builds of the numeric code are what gets measured; keep every hot module in the same
/// optimisation mode and avoid `unsafeFlags` so the package stays usable as a dependency.
///
/// Linux on x86-64 only: the thread pool sleeps on Linux futexes, the kernel choice reads CPUID,
/// and the C kernels use x86 intrinsics.
#if !(os(Linux) && arch(x86_64))
#error("WGAN builds on Linux x86-64 only (the thread pool uses Linux futexes; the kernels use CPUID and x86 intrinsics)")
#endif

let package = Package(
    name: "WGAN",
    products: [
        .executable(name: "wgan", targets: ["wgan"]),
        .library(name: "WGANEngine", targets: ["WGANEngine"]),
        .library(name: "WGANNN", targets: ["WGANNN"]),
        .library(name: "WGANOptim", targets: ["WGANOptim"]),
        .library(name: "WGANFiles", targets: ["WGANFiles"]),
        .library(name: "TensorFormats", targets: ["TensorFormats"]),
        .library(name: "WGANData", targets: ["WGANData"]),
        .library(name: "WGANImage", targets: ["WGANImage"]),
        .library(name: "WGANPlot", targets: ["WGANPlot"]),
        .library(name: "WGANModels", targets: ["WGANModels"]),
        .library(name: "WGANEval", targets: ["WGANEval"]),
        .library(name: "WGAN", targets: ["WGAN"]),
        .library(name: "WGANReport", targets: ["WGANReport"]),
        .library(name: "WGANTensorBoard", targets: ["WGANTensorBoard"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // C libraries from Debian packages, found through pkg-config.
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CPNG", pkgConfig: "libpng", providers: [.apt(["libpng-dev"])]),
        .systemLibrary(name: "CCairo", pkgConfig: "cairo", providers: [.apt(["libcairo2-dev"])]),
        .systemLibrary(name: "CTurboJPEG", pkgConfig: "libturbojpeg", providers: [.apt(["libturbojpeg0-dev"])]),
        // OpenBLAS (Debian's libopenblas-dev) is deliberately not a linked system library: linking
        // it (pkg-config adds -lopenblas) loads it at process start, when its constructor fixes the
        // kernel before we can choose one for this CPU. CBLASRuntime checks its calls against
        // <cblas.h> and opens the library at first use, after setting OPENBLAS_CORETYPE.
        .target(name: "CBLASRuntime"),
        // Open MPI (Debian's libopenmpi-dev / openmpi-bin) is likewise opened at run time, and only
        // for a distributed run: single-machine use needs neither the library nor mpirun.
        .target(name: "CMPIRuntime"),
        // Elementwise kernels built for AVX-512/AVX2 by function attributes, chosen at run time.
        .target(name: "CKernels"),

        // Engine: tensors, CPU kernels, reverse-mode autodiff with higher order.
        .target(name: "WGANEngine", dependencies: ["CBLASRuntime", "CKernels"]),
        // Layers and optimizers over the engine.
        .target(name: "WGANNN", dependencies: ["WGANEngine"]),
        .target(name: "WGANOptim", dependencies: ["WGANEngine", "CKernels"]),
        // File formats and data, all read and written through WGANFiles.
        .target(name: "WGANFiles"),
        .target(name: "TensorFormats", dependencies: ["CZlib", "WGANFiles"]),
        .target(name: "WGANData", dependencies: ["CZlib", "TensorFormats", "WGANFiles", "WGANImage"], resources: [.copy("Resources/mnist")]),
        .target(name: "WGANImage", dependencies: ["CPNG", "CTurboJPEG", "WGANFiles"]),
        // Plots (lines, scatter, histograms, filled contours, log scales) drawn by Cairo.
        .target(name: "WGANPlot", dependencies: ["CCairo", "WGANFiles"]),
        // The GAN itself: the models and Algorithm 1's steps (penalty, critic and generator updates).
        .target(name: "WGANModels", dependencies: ["WGANEngine", "WGANNN", "WGANOptim"]),
        // Judging samples: the feature classifiers (shipped as resources), FID, Inception score.
        .target(name: "WGANEval", dependencies: ["CBLASRuntime", "WGANEngine", "WGANNN", "WGANOptim", "TensorFormats", "WGANData",
                                                 "WGANFiles"],
                resources: [.copy("Resources/classifiers")]),
        // What runs it: the trainer, run folders, checkpoints, logs, progress, sampling, the benchmark.
        .target(name: "WGAN", dependencies: ["WGANModels", "WGANEval", "WGANReport", "WGANEngine", "WGANNN", "WGANOptim", "TensorFormats", "WGANData",
                                             "WGANImage", "WGANFiles", "WGANPlot", "WGANTensorBoard", "CMPIRuntime"]),
        // The HTML report of a run folder (or several), read from its files alone.
        .target(name: "WGANReport", dependencies: ["WGANPlot", "WGANImage", "WGANFiles"]),
        // TensorBoard's event files (TFRecord framing, CRC-32C, protocol buffers by hand), beside log.jsonl.
        .target(name: "WGANTensorBoard", dependencies: ["WGANFiles"]),
        .executableTarget(name: "wgan", dependencies: [
            "WGAN", "WGANReport", "WGANModels", "WGANEval", "WGANData", "WGANEngine", "WGANFiles",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        // What several test targets share: small data for every model of the catalogue.
        .target(name: "WGANTestSupport", dependencies: ["WGAN", "WGANModels", "WGANImage"], path: "Tests/Support"),
        // What the engine's tests and those above them share, over the engine alone so that the engine's
        // tests build without the rest: ranks as threads of one process (a `Communicator` without MPI).
        .target(name: "WGANEngineTestSupport", dependencies: ["WGANEngine"], path: "Tests/EngineSupport"),
        .testTarget(name: "WGANEngineTests", dependencies: ["WGANEngine", "WGANEngineTestSupport"]),
        .testTarget(name: "WGANNNTests", dependencies: ["WGANNN", "WGANOptim", "WGANEngine"]),
        .testTarget(name: "WGANFilesTests", dependencies: ["WGANFiles"]),
        // Fixtures/ holds small files made by Python (and the scripts that made them), read by path.
        .testTarget(name: "TensorFormatsTests", dependencies: ["TensorFormats"], exclude: ["Fixtures"]),
        // Hand-built image files (decompression bombs) for the image and data tests.
        .target(name: "WGANImageTestSupport", dependencies: ["CZlib"], path: "Tests/ImageSupport"),
        .testTarget(name: "WGANDataTests", dependencies: ["WGANData", "TensorFormats", "WGANImage", "WGANImageTestSupport"]),
        .testTarget(name: "WGANImageTests", dependencies: ["WGANImage", "WGANFiles", "WGANImageTestSupport"]),
        .testTarget(name: "WGANPlotTests", dependencies: ["WGANPlot", "WGANImage"]),
        .testTarget(name: "WGANTests", dependencies: ["WGAN", "WGANModels", "WGANTestSupport", "WGANEngineTestSupport", "CKernels", "TensorFormats",
                                                      "WGANEngine", "WGANNN", "WGANOptim", "WGANData", "WGANImage"],
                    exclude: ["Fixtures"]),
        .testTarget(name: "WGANEvalTests", dependencies: ["WGANEval", "WGANEngine", "WGANData"], exclude: ["Fixtures"]),
        .testTarget(name: "WGANReportTests", dependencies: ["WGANReport", "WGANImage"]),
        .testTarget(name: "WGANTensorBoardTests", dependencies: ["WGANTensorBoard"], exclude: ["Fixtures"]),
        .testTarget(name: "CLITests", dependencies: ["wgan", "TensorFormats", "WGANImage", "WGANData", "WGANEngine", "WGANModels", "WGANNN",
                                                     "WGANTestSupport", "WGANTensorBoard"]),
    ]
)
