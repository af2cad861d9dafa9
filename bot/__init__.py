"""The channels customers and staff reach Prima through: Telegram (polling or webhook) and the
local console chat. Adapters only: they turn updates into the core's types and hand their
platform (sender, staff-group transport) to the assembly (`prima.assembly`)."""
