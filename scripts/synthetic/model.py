"""What the generated history has built so far, so every statement is one PostgreSQL accepts.

The generator never iterates a `set` (string hashing is randomised per process): lists and dicts
keep insertion order, so one seed gives the same bytes on every run.
"""

from . import words


class Column:
    def __init__(self, name, type_, nullable=True, default=None, pinned=False):
        self.name = name
        self.type = type_  # as written in DDL: "text", "public.order_status", "timestamp"
        self.nullable = nullable
        self.default = default
        # Referenced by a key, an index, a policy, a view or a constraint: never dropped, renamed
        # or retyped (PostgreSQL would refuse, or the history would have to cascade).
        self.pinned = pinned


class Table:
    def __init__(self, schema, name, pk="uuid"):
        self.schema = schema
        self.name = name
        self.pk = pk  # "uuid" or "bigint" (identity)
        self.cols = []
        self.owner = None  # the auth.users column policies test (user_id / owner_id)
        self.org = None  # organization column, for membership policies
        self.policies = []
        self.triggers = []
        self.droppable = []  # (constraint name, kind) a later migration may drop
        self.seeded = False  # has rows: no SET NOT NULL / new CHECK on it
        self.partitioned = False
        self.movable = True

    @property
    def q(self):
        return f"{self.schema}.{self.name}"

    @property
    def dq(self):
        return f'"{self.schema}"."{self.name}"'

    def col(self, name):
        return next((c for c in self.cols if c.name == name), None)

    def has(self, name):
        return self.col(name) is not None

    def free_cols(self):
        return [c for c in self.cols if not c.pinned]


class Enum:
    def __init__(self, schema, name, values):
        self.schema = schema
        self.name = name
        self.values = list(values)
        self.fresh = []  # values added in the current file: not usable until it commits

    @property
    def q(self):
        return f"{self.schema}.{self.name}"

    def usable(self):
        return [v for v in self.values if v not in self.fresh]


class Function:
    def __init__(self, schema, name, args, ret, kind):
        self.schema = schema
        self.name = name
        self.args = args  # list of type strings
        self.ret = ret
        self.kind = kind  # "trigger", "helper" (used by policies: pinned), "rpc"

    @property
    def sig(self):
        return f"{self.schema}.{self.name}({', '.join(self.args)})"


class Model:
    """The schema built so far, and unique names for new objects."""

    def __init__(self, rng, schemas):
        self.rng = rng
        self.schemas = list(schemas)
        self.tables = []
        self.enums = []
        self.functions = []
        self.views = []  # (schema, name)
        self.relnames = {}  # every relation/constraint name ever used (globally unique)
        self.names = {}  # other names (functions, enums, policies per table)
        self.pending_validate = []  # (table, constraint) added NOT VALID
        self.counter = 0

    # ---- names -------------------------------------------------------------------------
    def fresh(self, base, space=None):
        """A name not used before in `space` (relations by default), at most 63 bytes."""
        space = self.relnames if space is None else space
        base = base[:55]
        name, n = base, 1
        while name in space:
            n += 1
            name = f"{base}_{n}"
        space[name] = True
        return name

    def table_name(self):
        rng = self.rng
        if rng.random() < 0.1:
            base = rng.choice(words.NOUNS)
        else:
            base = f"{rng.choice(words.PREFIXES)}_{rng.choice(words.NOUNS)}"
        return self.fresh(base)

    def column_name(self, table, base=None):
        base = base or self.rng.choice(words.COLUMNS)
        name, n = base, 1
        while table.has(name):
            n += 1
            name = f"{base}_{n}"
        return name

    def policy_name(self, table, verb):
        subject = self.rng.choice(words.SUBJECTS)
        base = f"{subject} can {verb} {table.name.replace('_', ' ')}"
        name, n = base[:60], 1
        while name in table.policies:
            n += 1
            name = f"{base[:56]} {n}"
        table.policies.append(name)
        return name

    # ---- lookups -----------------------------------------------------------------------
    def pick_table(self, pred=None):
        pool = [t for t in self.tables if pred is None or pred(t)]
        return self.rng.choice(pool) if pool else None

    def pick_tables(self, k, pred=None):
        pool = [t for t in self.tables if pred is None or pred(t)]
        return self.rng.sample(pool, min(k, len(pool)))

    def functions_of(self, kind):
        return [f for f in self.functions if f.kind == kind]

    def end_file(self):
        for e in self.enums:
            e.fresh = []
