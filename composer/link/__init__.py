"""Linking: the config, which export plugs which import, shared resources, the output's
imports, the composition graph, and encoding the composed component."""
