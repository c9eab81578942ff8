public let txVersion = "0.1.0"
