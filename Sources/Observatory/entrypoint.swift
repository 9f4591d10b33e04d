import App

try await Observatory.main()
