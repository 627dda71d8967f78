"""Refusal texts: the shared record and its relay to the message bus."""

from __future__ import annotations

TILE_PATH_WORDS: dict[str, dict[str, str]] = {
    # the parts of a tile path and what each may be (``ledger.bad_tile_path``: part, allowed)
    "level": {"zh": "层级", "en": "level"},
    "index": {"zh": "序号", "en": "index"},
    "width": {"zh": "宽度", "en": "width"},
    "level_rule": {"zh": " 0–63 的十进制整数（无前导零）或 entries",
                   "en": "0–63 without leading zeros, or 'entries'"},
    "index_rule": {"zh": "每组三位数字、除最后一组外都以 x 开头（如 x001/x234/067）",
                   "en": "groups of three digits, all but the last prefixed with 'x', e.g. x001/x234/067"},
    "index_leading_rule": {"zh": "每组三位数字、除最后一组外都以 x 开头，且不以 x000 开头",
                           "en": "groups of three digits, all but the last prefixed with 'x' (no leading x000)"},
    "width_rule": {"zh": " 1–255 的十进制整数（无前导零；完整瓦片不带 .p）",
                   "en": "1–255 without leading zeros (a full tile has no .p)"},
    "hash_tile_rule": {"zh": "哈希瓦片的层级", "en": "a hash tile level"},
}

MESSAGES: dict[str, dict[str, str]] = {
    "relay.unreachable": {
        "zh": "无法连接消息总线 {url}：{problem}；请检查 NATS 服务地址（LIANDONG_NATS_URL）是否正确、服务是否已启动",
        "en": "Cannot reach the message bus at {url}: {problem}; check the NATS address (LIANDONG_NATS_URL) and that the server is running",
    },
    "ledger.no_checkpoint": {
        "zh": "尚无检查点：请先运行 liandong ledger checkpoint",
        "en": "There is no checkpoint yet: run liandong ledger checkpoint first",
    },
    "ledger.not_yet_checkpointed": {
        "zh": "案件 {case_id} 的记录尚未纳入检查点，请稍后再试",
        "en": "The records of case {case_id} are not covered by a checkpoint yet; try again shortly",
    },
    "ledger.malformed_receipt": {
        "zh": "回执格式错误：字段“{field}”{problem}",
        "en": "Malformed receipt: field '{field}' {problem}",
    },
    "ledger.malformed_witness_request": {
        "zh": "见证请求格式错误：{problem}；应为：{allowed}",
        "en": "Malformed witness request: {problem}; allowed: {allowed}",
    },
    "ledger.unknown_origin": {
        "zh": "本见证方不见证日志 {origin}（已配置的日志：{known}）",
        "en": "This witness does not witness the log {origin} (configured logs: {known})",
    },
    "ledger.witness_conflict": {
        "zh": "见证方已联署规模 {stored_size}，请求给出的是 {old_size}、新规模 {new_size}",
        "en": "The witness has cosigned size {stored_size}; the request says {old_size}, new size {new_size}",
    },
    "ledger.witness_refused": {
        "zh": "见证方 {witness}（{url}）拒绝联署规模 {size} 的检查点：HTTP {status}，{reason}",
        "en": "Witness {witness} ({url}) refused to cosign the checkpoint of size {size}: HTTP {status}, {reason}",
    },
    "ledger.bad_witness_config": {
        "zh": "见证方配置有误（LIANDONG_WITNESSES 第 {line} 项）：{problem}；每项应为“<URL> <见证方公钥>”，以换行或逗号分隔，或为此格式文件的路径",
        "en": "Bad witness configuration (LIANDONG_WITNESSES item {line}): {problem}; each item is '<URL> <witness verifier key>', separated by newlines or commas, or the path of a file in that form",
    },
    "ledger.witness_dir_taken": {
        "zh": "见证方目录 {dir} 已有见证方私钥：不会覆盖（另选目录，或沿用该见证方）",
        "en": "The witness directory {dir} already holds a witness key: it is never overwritten (choose another directory, or keep that witness)",
    },
    "ledger.witness_dir_empty": {
        "zh": "见证方目录 {dir} 中没有见证方：请先运行 liandong witness init --dir {dir} --name <名称>",
        "en": "The witness directory {dir} holds no witness: run liandong witness init --dir {dir} --name <name> first",
    },
    "ledger.witness_dir_damaged": {
        "zh": "见证方目录 {dir} 中的 {file} 已损坏：{problem}",
        "en": "The file {file} in the witness directory {dir} is damaged: {problem}",
    },
    "ledger.witness_bad_log": {
        "zh": "无法见证日志“{origin}”：origin 不能为空或含空白，公钥须是日志的签名公钥（类型 0x01），而非见证方的联署公钥",
        "en": "Cannot witness the log '{origin}': the origin must be non-empty without spaces, and the key a log's signing key (type 0x01), not a witness's cosignature key",
    },
    "ledger.witness_inconsistent": {
        "zh": "见证方拒绝联署：{why}（已联署规模 {old_size}，新规模 {new_size}）",
        "en": "The witness refuses to cosign: {why} (cosigned size {old_size}, new size {new_size})",
    },
    "ledger.bad_secret": {
        "zh": "平台密钥无法解开签名私钥（密钥错误或数据被改动）",
        "en": "The platform secret does not open this signing key (wrong secret or altered data)",
    },
    "ledger.weak_secret": {
        "zh": "平台密钥太短，至少需要 {min_bytes} 字节",
        "en": "The platform secret is too short; at least {min_bytes} bytes are needed",
    },
    "ledger.bad_tree_size": {
        "zh": "树规模 {size} 无效，当前日志规模为 {store_size}",
        "en": "Tree size {size} is not valid; the log has {store_size} entries",
    },
    "ledger.bad_proof_request": {
        "zh": "无法生成该证明：请求的规模或序号超出日志范围",
        "en": "That proof cannot be made: the sizes or index are outside the log",
    },
    "ledger.bad_signature": {
        "zh": "签名核验失败：{signer}",
        "en": "Signature check failed: {signer}",
    },
    "ledger.malformed_note": {
        "zh": "签名便笺格式错误：{problem}",
        "en": "Malformed signed note: {problem}",
    },
    "ledger.malformed_checkpoint": {
        "zh": "检查点格式错误：{problem}",
        "en": "Malformed checkpoint: {problem}",
    },
    "ledger.float_in_payload": {
        "zh": "签名内容中不允许浮点数（位置 {path}）",
        "en": "Floats are not allowed in signed payloads (at {path})",
    },
    "ledger.missing_subtree": {
        "zh": "日志缺少子树哈希（层 {level}，序号 {index}）",
        "en": "The log lacks a subtree hash (level {level}, index {index})",
    },
    "ledger.ambiguous_verifier": {
        "zh": "验证密钥“{name}”（{key_id}）重复且不一致",
        "en": "Verifier '{name}' ({key_id}) is given twice with different keys",
    },
    "ledger.bad_key_name": {
        "zh": "密钥名称“{name}”无效（不得含空格或“+”）",
        "en": "Key name '{name}' is not valid (no spaces or '+')",
    },
    "ledger.bad_leaf_hash": {
        "zh": "第 {position} 个叶子哈希长度不是 {expected_bytes} 字节",
        "en": "Leaf hash {position} is not {expected_bytes} bytes",
    },
    "ledger.bad_log_key": {
        "zh": "日志密钥无效：{problem}",
        "en": "Bad log key: {problem}",
    },
    "ledger.bad_private_key": {
        "zh": "私钥无效，应为 {expected}",
        "en": "Bad private key; expected {expected}",
    },
    "ledger.bad_row": {
        "zh": "子树行无效（层 {level}，序号 {index}，最大层 {max_level}）",
        "en": "Bad subtree row (level {level}, index {index}, max level {max_level})",
    },
    "ledger.bad_timestamp": {
        "zh": "时间戳无效：{problem}",
        "en": "Bad timestamp: {problem}",
    },
    "ledger.integer_out_of_range": {
        "zh": "签名内容中的整数超出范围（位置 {path}）",
        "en": "An integer in a signed payload is out of range (at {path})",
    },
    "ledger.invalid_string": {
        "zh": "签名内容中的字符串无效（位置 {path}）：{problem}",
        "en": "Invalid string in a signed payload (at {path}): {problem}",
    },
    "ledger.malformed_sealed_key": {
        "zh": "加密私钥格式错误：{problem}",
        "en": "Malformed sealed key: {problem}",
    },
    "ledger.malformed_vkey": {
        "zh": "验证密钥格式错误：{problem}",
        "en": "Malformed verifier key: {problem}",
    },
    "ledger.non_ascii_member": {
        "zh": "信封的键必须是 ASCII 字符串（收到：{keys}）",
        "en": "Envelope keys must be ASCII strings (got: {keys})",
    },
    "ledger.non_string_key": {
        "zh": "签名内容的键必须是字符串（位置 {path}）",
        "en": "Keys in a signed payload must be strings (at {path})",
    },
    "ledger.not_canonicalisable": {
        "zh": "内容无法规范化编码（位置 {path}）：{problem}",
        "en": "The payload cannot be canonically encoded (at {path}): {problem}",
    },
    "ledger.payload_too_deep": {
        "zh": "签名内容嵌套过深（位置 {path}，上限 {max_depth}）",
        "en": "The signed payload is nested too deeply (at {path}, limit {max_depth})",
    },
    "ledger.store_conflict": {
        "zh": "日志中已有不同的子树哈希（层 {level}，序号 {index}）",
        "en": "The log already holds a different subtree hash (level {level}, index {index})",
    },
    "ledger.store_gap": {
        "zh": "日志写入出现空缺（层 {level}，序号 {index}，应为 {next_index}）",
        "en": "A gap in the log write (level {level}, index {index}, expected {next_index})",
    },
    "ledger.unknown_suite": {
        "zh": "未知的密码套件“{name}”，可选：{known}",
        "en": "Unknown cipher suite '{name}'; known: {known}",
    },
    "ledger.unsupported_type": {
        "zh": "签名内容中不支持的类型 {type}（位置 {path}）",
        "en": "Unsupported type {type} in a signed payload (at {path})",
    },
    "ledger.unverified_note": {
        "zh": "签名便笺未能核验：{problem}",
        "en": "The signed note does not verify: {problem}",
    },
    "ledger.bad_tile_path": {
        "zh": "瓦片路径 tile/{path} 无效：{part}为“{found}”，应为{allowed}",
        "en": "Tile path tile/{path} is not valid: its {part} is '{found}'; allowed: {allowed}",
    },
    "ledger.tile_beyond_tree": {
        "zh": "瓦片 {path} 超出已签检查点的日志（规模 {size}）：该层（树的第 {level} 层）有 {available} 个哈希，即 {full_tiles} 个完整瓦片和一个宽 {partial_width} 的部分瓦片（宽 0 即没有）",
        "en": "Tile {path} is beyond the log of the latest checkpoint (size {size}): that level (tree level {level}) has {available} hashes, i.e. {full_tiles} full tiles and a partial tile of width {partial_width} (0: none)",
    },
    "ledger.entries_withheld": {
        "zh": "条目包 {path} 暂不公开：其中 {count} 条（自第 {first} 条起）是旧版本叶子，含未承诺的文字或个人信息；哈希瓦片与回执仍可核验",
        "en": "Entry bundle {path} is withheld: {count} of its leaves (from index {first}) are older leaves holding text or personal data in clear; the hash tiles and receipts still verify",
    },
    "ledger.entry_too_large": {
        "zh": "条目 {position} 有 {size} 字节，条目包中每条至多 {max_bytes} 字节",
        "en": "Entry {position} has {size} bytes; an entry bundle holds at most {max_bytes} bytes an entry",
    },
    "ledger.malformed_bundle": {
        "zh": "条目包格式错误：第 {offset} 字节处的长度超出了数据末尾",
        "en": "Malformed entry bundle: the length at byte {offset} runs past the end",
    },
    "ledger.key_in_token": {
        "zh": "签名密钥“{name}”保存在 PKCS#11 密码设备中，本机配置的是数据库密封存储：请设置 LIANDONG_KEY_STORE=pkcs11 及其模块、令牌与 PIN",
        "en": "The signing key '{name}' is held in a PKCS#11 token, but this installation is set to the sealed store: set LIANDONG_KEY_STORE=pkcs11 with its module, token and PIN",
    },
    "ledger.key_not_in_token": {
        "zh": "密码设备令牌“{token}”中没有签名密钥“{name}”（标识 {key_id}）：请接入保存该密钥的设备，或从备份的设备中恢复",
        "en": "The token '{token}' holds no signing key '{name}' (id {key_id}): connect the device that holds it, or restore it from the device's backup",
    },
    "ledger.key_mismatch": {
        "zh": "签名密钥“{name}”的私钥与登记的公钥不符，或密码设备中的密钥签名无法验证：未移入，数据库中的密钥保持不变",
        "en": "The signing key '{name}' does not match its registered public key, or the token's key signs what does not verify: not moved, the key in the database is unchanged",
    },
    "ledger.no_sealed_key": {
        "zh": "数据库中没有密封保存的签名密钥：{names}（已在密码设备中、名称有误，或为日志与见证方的密钥——它们始终密封保存）",
        "en": "No signing key sealed in the database for: {names} (already in the token, misnamed, or the log's or a witness's key, which always stay sealed)",
    },
    "ledger.token_unavailable": {
        "zh": "无法使用 PKCS#11 密码设备（模块 {module}，令牌“{token}”）：{problem}",
        "en": "Cannot use the PKCS#11 device (module {module}, token '{token}'): {problem}",
    },
}
