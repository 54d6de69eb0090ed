"""The component model: types, index spaces elaborated from the binary, subtyping,
names and semver, the Canonical ABI, validation, and loading a component file."""
