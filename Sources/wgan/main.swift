import CBLASRuntime
print("wgan")
