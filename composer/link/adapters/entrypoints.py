"""Which WASI 0.2.x interfaces are capability entry points, which pass through, and so which
imports a `--virtualize` pattern replaces with a deny adapter (docs/capabilities.md,
Virtualize).

* Entry points: the interfaces through which a component reaches a capability it is not
  handed otherwise: a socket, a name lookup, the network, a preopened directory, an
  outgoing HTTP request, the environment (wasi:sockets/tcp-create-socket, udp-create-socket,
  ip-name-lookup, instance-network, wasi:filesystem/preopens, wasi:http/outgoing-handler,
  wasi:cli/environment). Denying these denies the capability. No code needs their list:
  like every interface that does not pass through, one a pattern matches is virtualized.
* Pass-through: interfaces of types and ambient services every program uses (streams,
  pollables, clocks, randomness, stdio, exit, the types of wasi:http). A wildcard pattern
  leaves them with the host: `--virtualize '*'` must not make `println` trap. Named without
  a wildcard (`--virtualize wasi:cli/stdout`), one is virtualized all the same.
* Every other interface a pattern matches is virtualized: those whose resources only an
  entry point hands out (wasi:sockets/tcp, udp, network, wasi:filesystem/types), whose
  functions then trap or deny, and any interface that is not WASI's.
"""

from __future__ import annotations

from functools import lru_cache

from ..policy import Pattern, Policy, Rule, Verdict, parse_pattern

PASS_THROUGH = (
    "wasi:io/*",
    "wasi:clocks/*",
    "wasi:random/*",
    "wasi:cli/stdin", "wasi:cli/stdout", "wasi:cli/stderr", "wasi:cli/exit", "wasi:cli/run",
    "wasi:cli/terminal-input", "wasi:cli/terminal-output",
    "wasi:cli/terminal-stdin", "wasi:cli/terminal-stdout", "wasi:cli/terminal-stderr",
    "wasi:http/types",
    "wasi:http/incoming-handler",
)


@lru_cache(maxsize=256)
def pattern(text: str) -> Pattern:
    """A pattern of the policy's grammar (`link.policy`: `--deny`, `--allow` and
    `--virtualize` take the same), parsed once."""
    return parse_pattern(text)


def passes_through(name: str) -> bool:
    return any(pattern(p).matches(name) for p in PASS_THROUGH)


def leaves_with_host(p: Pattern, name: str) -> bool:
    """Whether pattern `p`, though it matches `name`, leaves it with the host: a wildcard
    does not virtualize a pass-through interface."""
    return "*" in p.text and passes_through(name)


def virtualizing(policy: Policy, name: str, names: tuple[str, ...] = ()) -> Rule | None:
    """The `--virtualize` rule that virtualizes import `name` of the component known by
    `names` (its file and instance names), or None: the policy's decision on it, weighed
    with `--deny` and `--allow` as every rule is (the most specific wins), when that is to
    virtualize and the rule does not leave it with the host (`leaves_with_host`)."""
    decision = policy.decide(name, names)
    rule = decision.rule
    if (decision.verdict is Verdict.VIRTUALIZE and rule is not None
            and not leaves_with_host(rule.pattern, name)):
        return rule
    return None
