// swift-tools-version:6.0
import PackageDescription

/// A user's own generator and critic, trained by `wgan`'s trainer from outside its package.
let package = Package(
    name: "CustomModel",
    dependencies: [.package(name: "WGAN", path: "../..")],
    targets: [
        .executableTarget(name: "CustomModel", dependencies: [
            .product(name: "WGAN", package: "WGAN"), .product(name: "WGANModels", package: "WGAN"),
            .product(name: "WGANNN", package: "WGAN"), .product(name: "WGANEngine", package: "WGAN"),
        ]),
    ]
)
