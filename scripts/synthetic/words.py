"""Word lists the synthetic histories draw names and texts from (realistic, not random)."""

# Table names are `{prefix}_{noun}` (and the bare nouns): 48 × 64 + 64 names, enough for 4×.
PREFIXES = [
    "event", "ticket", "order", "user", "org", "team", "project", "invoice", "payment",
    "campaign", "message", "post", "comment", "media", "venue", "artist", "sponsor", "ad",
    "wallet", "payout", "product", "inventory", "shipment", "subscription", "plan", "feature",
    "workout", "coach", "gym", "class", "booking", "session", "device", "app", "channel",
    "bundle", "deploy", "build", "agent", "story", "sprint", "epic", "task", "doc", "audit",
    "notification", "search", "feed",
]
NOUNS = [
    "items", "logs", "settings", "members", "invites", "tags", "attachments", "reactions",
    "views", "stats", "snapshots", "versions", "links", "roles", "permissions", "rules",
    "schedules", "slots", "tiers", "prices", "discounts", "credits", "balances", "transfers",
    "refunds", "receipts", "reviews", "ratings", "reports", "flags", "bans", "follows",
    "blocks", "mentions", "drafts", "templates", "exports", "imports", "jobs", "runs",
    "events", "metrics", "impressions", "clicks", "conversions", "goals", "milestones",
    "checklists", "notes", "sources", "targets", "segments", "cohorts", "experiments",
    "variants", "keys", "tokens", "webhooks", "deliveries", "queues", "locks", "quotas",
    "limits", "usage",
]

# Extra column names (id, timestamps and owner columns are added separately).
COLUMNS = [
    "title", "description", "status_note", "amount_cents", "currency", "metadata", "starts_at",
    "ends_at", "is_active", "sort_order", "slug", "email", "phone", "notes", "external_id",
    "priority", "score", "label", "color", "icon", "url", "image_url", "city", "country",
    "timezone", "locale", "capacity", "quantity", "unit_price", "tax_rate", "discount_pct",
    "published_at", "archived_at", "deleted_at", "expires_at", "last_seen_at", "retry_count",
    "attempts", "error_message", "payload", "settings", "config", "tags", "visibility", "kind",
    "source", "channel", "platform", "version_code", "checksum", "size_bytes", "duration_ms",
    "latitude", "longitude", "rating", "views_count", "likes_count", "is_featured", "is_pinned",
    "reason", "summary", "body", "subject", "headline", "subtitle", "position", "level", "weight",
]

# Words for comments, policy names, RAISE NOTICE texts.
VERBS = ["view", "read", "create", "insert", "update", "edit", "delete", "manage"]
SUBJECTS = [
    "Users", "Members", "Owners", "Organizers", "Admins", "Staff", "Authenticated users",
    "Anyone", "Coaches", "Sponsors",
]
PHRASES = [
    "Tracks the lifecycle of", "Stores one row per", "Denormalised projection of",
    "Audit trail for", "Per-organization configuration of", "Materialised counters for",
    "Join table between users and", "Queue of pending", "History of changes to",
]
FUNCTION_VERBS = [
    "get", "list", "count", "sync", "refresh", "compute", "upsert", "archive", "resolve",
    "check", "can_edit", "can_view", "notify", "enqueue", "cleanup", "rebuild", "validate",
]
