#!/usr/bin/env bash
# A cross-boundary case from report to archive, driven by the CLI on a sandbox store (演练库): every
# event is recorded on the platform's clock, and the times given with --at are recorded beside it as
# claimed times (申报时间), which a live store refuses (docs/decisions/0030).
# Run from the repository root after `make install`:  bash docs/examples/worked_case.sh
set -euo pipefail
L="${LIANDONG:-.venv/bin/liandong}"
export LIANDONG_DATA_DIR="${LIANDONG_DATA_DIR:-$(mktemp -d)}"
run() { echo "\$ liandong $*"; $L "$@"; echo; }

$L init --scope 320200 --sandbox >/dev/null 2>&1
out=$($L case report --matter social_life_noise --place 320213001 --place 320211001 \
      --text "崇安寺街道与河埒街道交界的广场夜间音响扰民，持续到23点" \
      --name 张三 --phone 13812345678 --at 2026-03-02T09:00)
echo "\$ liandong case report --matter social_life_noise --place 320213001 --place 320211001 --text … --at 2026-03-02T09:00"
echo "$out"; echo
ID=${out%% *}
run case dispatch "$ID" --by 320200-gov --at 2026-03-02T09:05
run case ack "$ID" --by 320200-urban_management --at 2026-03-02T09:50
run case summon "$ID" --by 320213001-gov --dept 320213-public_security --dept 320213-market_regulation --reason 商户外放音响 --at 2026-03-02T14:00
run case answer "$ID" --by 320213-public_security --at 2026-03-02T14:20
run case answer "$ID" --by 320213-market_regulation --mode online --at 2026-03-02T14:45
run case rate-summoned "$ID" --by 320213001-gov --dept 320213-public_security --score 5 --at 2026-03-02T18:00
run case rate-summoned "$ID" --by 320213001-gov --dept 320213-market_regulation --score 3 --at 2026-03-02T18:00
run case resolve "$ID" --by 320200-urban_management --text 已调解 --at 2026-03-03T10:00 || true
for dept in 320213001-urban_management 320211001-urban_management 320200-public_security 320200-eco_environment; do
  run case assist "$ID" --by "$dept" --text "已现场处置并约谈商户" --at 2026-03-03T16:00
done
run case resolve "$ID" --by 320200-urban_management --text "联合执法，商户调整音响时段并安装限音设备" --public "已联合处置，夜间音响已整改" --at 2026-03-04T11:00
run case rate "$ID" --by 320200-gov --rating satisfied --at 2026-03-05T10:00
run case close "$ID" --by 320200-gov --at 2026-03-05T10:05
run case show "$ID"
run ledger checkpoint
run ledger prove "$ID" -o "$LIANDONG_DATA_DIR/receipt.json"
run ledger check-receipt "$LIANDONG_DATA_DIR/receipt.json"
run ledger verify
