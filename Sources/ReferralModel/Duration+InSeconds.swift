extension Duration {
    /// The duration as a number of seconds, for rates and display.
    package var inSeconds: Double {
        let (whole, attoseconds) = components
        return Double(whole) + Double(attoseconds) / 1e18
    }
}
