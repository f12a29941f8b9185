// Placeholder entry point until the CLI lands in this session.
print("experiment: under construction")
