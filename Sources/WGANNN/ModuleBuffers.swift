import WGANEngine

extension Module {
    /// Runs `body`, then restores every buffer and counter of the state dict (BatchNorm's running
    /// statistics and `num_batches_tracked`), so that a forward pass in training mode, which uses
    /// batch statistics, leaves the model exactly as it was.
    public func preservingBuffers<Result>(_ body: () throws -> Result) rethrows -> Result {
        let parameterNames = Set(namedParameters.map(\.name))
        var savedTensors: [([Float], StateValue)] = []
        var savedCounters: [(Int64, Counter)] = []
        for (name, value) in stateDict where !parameterNames.contains(name) {
            switch value {
            case .tensor(let tensor): savedTensors.append((tensor.scalars, value))
            case .integer(let counter): savedCounters.append((counter.value, counter))
            }
        }
        defer {
            for (values, value) in savedTensors {
                guard case .tensor(let tensor) = value else { continue }
                values.withUnsafeBufferPointer { tensor.storage.pointer.update(from: $0.baseAddress!, count: values.count) }
            }
            for (value, counter) in savedCounters { counter.value = value }
        }
        return try body()
    }
}
