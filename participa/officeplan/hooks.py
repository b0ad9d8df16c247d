"""What the office plan plugs into: a link from every process page to its mechanism's guide.

Registered on every component, the panel shows once: from the process's last component, so it
comes after the panels of what the process uses.
"""

from participa.officeplan import guides
from participa.processes import components
from participa.processes.components import Panel
from participa.processes.types import Component


def _guide_panel(component: Component):
    def panel(process, user, today) -> Panel | None:
        if not process.components or process.components[-1] is not component:
            return None
        page = guides.for_type(process.type)
        return Panel("officeplan/_guide_link.html", {"page": page}) if page else None

    panel.__name__ = f"guide_panel_{component.value}"
    return panel


for _component in Component:
    components.on_detail(_component)(_guide_panel(_component))
