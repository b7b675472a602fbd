"""双报到: unit party organisations (驻区单位) and in-service party members (在职党员) report to a
community with a code its admin issues; the units' resources (单位资源清单), the community's
service projects (服务项目清单) and each one's 双报告 (PROTOCOL.md §17)."""
