"""Micro-wishes (微心愿, DESIGN.md S5): a resident posts a wish; an admin of the community reviews
it and publishes a privacy-safe card on the community's wish wall (心愿墙); a volunteer reporting
to the community (双报到) claims the card, fulfils it with photo evidence, and the resident
confirms and rates. Both records sync (PROTOCOL.md §14): the wish to its resident and the admins
above its community, the card to the community's volunteers, its admins and the resident, so
that a volunteer never pulls a name, phone or door number."""
