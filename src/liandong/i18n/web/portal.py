"""The words of the public portal (群众门户), in Chinese and English, and the English names of the
responsibility list's categories (the catalogue names them in Chinese only)."""

from __future__ import annotations

PORTAL_TEXT: dict[str, dict[str, str]] = {
    "zh": {
        "report_title": "我要反映", "forgot_code": "忘记查询码？用手机号码找回", "report_intro": "无需登录。提交后会得到一个查询码，凭码可查询办理进度、评价办理结果、下载并验证回执。",
        "errors_title": "请修改以下问题后重新提交：", "matter": "诉求类型", "matter_choose": "请选择…",
        "place": "事发地点", "address": "详细地址",
        "address_hint": "请写明区县和街道（乡镇），例如：无锡市梁溪区崇安寺街道中山路 1 号",
        "county": "或者选择区县", "county_none": "（不选，按地址识别）",
        "county_hint": "地址识别不到时，可在此列表或下方地图中选择区县；填写了地址时以地址为准。",
        "map_label": "区县地图，点击区县即可选中（与上方列表同步）", "map_selected": "已选择：",
        "description": "诉求内容", "description_hint": "请说明发生了什么、什么时间、具体位置（不超过 4000 字）",
        "contact": "联系方式（选填）", "name": "姓名", "phone": "联系电话", "email": "电子邮箱",
        "email_hint": "留下邮箱或手机号码，派单、办结等进展会发送给您（仅办理单位可见）。",
        "publish": "同意在公开查询中显示诉求内容",
        "publish_hint": "默认不公开。同意后，公开查询只显示去除姓名、电话、证件号、车牌、门牌等个人信息后的内容。",
        "contact_hint": "仅办理单位可见，进度查询页面不会显示。",
        "photo": "现场照片（选填）",
        "photo_hint": "JPG、PNG 或 WebP 图片，不超过 5 MB。照片会去除拍摄位置等附加信息后保存，仅办理单位可见；"
                      "提交出错时需重新选择照片。",
        "submit": "提交诉求",
        "err_matter": "请选择诉求类型", "err_place": "请填写事发地址，或选择区县",
        "err_place_vague": "地址“{text}”只能对应到“{name}”，请写明区县或街道（乡镇）",
        "err_county": "所选区县无效，请重新选择", "err_address_long": "地址不能超过 300 字",
        "err_description": "请填写诉求内容", "err_description_long": "诉求内容不能超过 4000 字",
        "err_name_long": "姓名不能超过 64 字",
        "err_photo_type": "请选择 JPG、PNG 或 WebP 格式的图片", "err_photo_size": "照片不能超过 5 MB",
        "err_too_large": "提交的内容超过 {limit} MB，未能接收，已填写的内容需要重新填写。请选择不超过 5 MB 的照片。",
        "too_many_title": "提交过于频繁",
        "err_too_many": "同一网络地址在 {window} 秒内最多提交 {amount} 件诉求。请约 {seconds} 秒后再试；"
                        "刚才提交的内容未被接收。",
        "back_to_form": "返回诉求表单",
        "err_refused": "未能受理：", "err_rated": "这件诉求已经评价过了，感谢您的反馈。",
        "done_title": "诉求已受理", "done_code": "您的查询码",
        "done_keep": "查询码只显示这一次，请抄写或复制保存。凭此码可查询进度、评价办理结果、下载回执。",
        "copy_code": "复制查询码", "copied": "已复制到剪贴板", "copy_failed": "无法自动复制，请手动选中查询码复制",
        "done_track": "查看办理进度", "done_photo": "照片未能保存，请在诉求内容中写明现场情况。",
        "done_photo_kept": "照片已随诉求保存（已去除拍摄位置等信息），仅办理单位可见。", "done_another": "再反映一个问题",
        "duplicate": "这份诉求已经提交过了（重复提交）。请使用第一次提交时得到的查询码查询进度。",
        "track_title": "进度查询", "code": "查询码", "code_hint": "12 位字母和数字，例如 K7QD-2MXP-9HRA",
        "track_submit": "查询",
        "err_code_format": "查询码格式不正确：应为 12 位字母和数字（不含 0、1、I、O）",
        "status": "当前状态", "received": "受理时间", "due": "办理时限",
        "steps": "办理过程", "after_photos": "办结照片（承办单位上传）", "after_photo_alt": "办结照片 {n}（点击查看原图）", "step_at": "时间", "step": "环节", "step_note": "公开说明",
        "no_due": "派单后确定",
        "rate_title": "请评价办理结果", "rating": "您对办理结果的评价",
        "rate_satisfied": "满意", "rate_basically_satisfied": "基本满意", "rate_unsatisfied": "不满意",
        "solved": "问题是否已经解决（选填）", "solved_yes": "已解决", "solved_no": "未解决", "rate_submit": "提交评价",
        "err_rating": "请选择评价", "thanks": "感谢您的评价！",
        "receipt_title": "回执（共享账本证明）",
        "receipt_intro": "回执证明这件诉求的记录已写入各级共同见证、不可篡改的共享账本。可以下载保存，也可以在本页直接验证"
                         "（在您的浏览器中计算，不依赖本网站的说法）。回执含有您这件诉求的盐值，可用来核对账本对您所填内容的承诺"
                         "（liandong ledger check-receipt --value）；请像查询码一样保管，不要公开。",
        "receipt_download": "下载回执", "verify": "在本页验证回执",
        "receipt_not_yet": "回执正在生成：诉求记录将在几秒内纳入账本检查点，请稍后再试。",
        "v_checking": "正在验证…",
        "v_ok": "回执验证通过：记录是账本的第 {position} 条（检查点共 {size} 条），签名方：{signers}。",
        "v_fetch": "无法获取回执：{message}", "v_malformed": "回执格式不正确（{field}）。",
        "v_origin": "验证失败：回执中的账本名称与检查点不一致。",
        "v_log_signature": "验证失败：检查点上没有有效的账本签名。",
        "v_witness": "验证失败：见证方 {name} 的联署签名缺失或无效。",
        "v_index": "验证失败：记录序号不在检查点范围内。",
        "v_proof": "验证失败：由记录和包含证明算出的根哈希与检查点不一致。",
        "v_unsupported": "此浏览器不支持 Ed25519 验证。请下载回执，用 liandong ledger check-receipt 离线验证。",
        "state_received": "已受理", "state_dispatched": "已派单", "state_acknowledged": "已签收",
        "state_in_progress": "处理中", "state_resolved": "已办结，待评价", "state_followed_up": "已回访",
        "state_closed": "已归档", "state_returned": "重新派单中", "state_shelved": "阶段性办理中",
        "state_merged": "已与同一问题合并办理",
    },
    "en": {
        "forgot_code": "Lost the tracking code? Recover it with your phone number", "report_title": "Report a problem",
        "report_intro": "No sign-in needed. You get a tracking code: use it to follow the case, rate the "
                        "outcome, and download and verify the receipt.",
        "errors_title": "Please correct the following and submit again:", "matter": "Type of problem",
        "matter_choose": "Choose…", "place": "Where", "address": "Address",
        "address_hint": "Include the district and the subdistrict or town, e.g. 无锡市梁溪区崇安寺街道中山路 1 号",
        "county": "Or pick a district", "county_none": "(none: use the address)",
        "county_hint": "If the address is not recognised, pick the district here or on the map below; "
                       "a typed address takes precedence.",
        "map_label": "Map of the districts: click one to pick it (kept in step with the list above)",
        "map_selected": "Picked: ",
        "description": "What happened", "description_hint": "What, when and exactly where (up to 4000 characters)",
        "contact": "Contact (optional)", "name": "Name", "phone": "Phone", "email": "E-mail",
        "email_hint": "Leave an e-mail address or a mobile number to be told when the case is dispatched, "
                      "resolved and so on (seen only by the departments handling it).",
        "publish": "Show what I wrote in public listings",
        "publish_hint": "Not public unless ticked. If ticked, public listings show the text with names, phone, "
                        "ID and plate numbers and house numbers removed.",
        "contact_hint": "Seen only by the departments handling the case, never on the tracking page.",
        "photo": "Photo (optional)",
        "photo_hint": "A JPG, PNG or WebP image up to 5 MB. It is kept without its location and other "
                      "metadata, seen only by the departments handling the case. If the form comes back "
                      "with an error, pick the photo again.",
        "submit": "Submit report",
        "err_matter": "Choose the type of problem", "err_place": "Enter the address, or pick a district",
        "err_place_vague": "The address '{text}' only identifies '{name}': add the district and the "
                           "subdistrict or town",
        "err_county": "That district is not valid; pick again", "err_address_long": "The address is too long "
                                                                                    "(300 characters at most)",
        "err_description": "Describe the problem",
        "err_description_long": "The description is too long (4000 characters at most)",
        "err_name_long": "The name is too long (64 characters at most)",
        "err_photo_type": "Choose a JPG, PNG or WebP image", "err_photo_size": "The photo exceeds 5 MB",
        "err_too_large": "The form was larger than {limit} MB and was not received: please fill it in again "
                         "and choose a photo of 5 MB at most.",
        "too_many_title": "Too many reports",
        "err_too_many": "At most {amount} reports may be sent from one network address in {window} seconds. "
                        "Please try again in about {seconds} seconds; the report you just sent was not received.",
        "back_to_form": "Back to the report form",
        "err_refused": "Not accepted: ", "err_rated": "This case has already been rated. Thank you.",
        "done_title": "Report received", "done_code": "Your tracking code",
        "done_keep": "The code is shown only this once: write it down or copy it. With it you can follow "
                     "the case, rate the outcome and download the receipt.",
        "copy_code": "Copy the code", "copied": "Copied to the clipboard",
        "copy_failed": "Could not copy automatically; select the code and copy it",
        "done_track": "Follow the case", "done_photo": "The photo could not be kept: describe the scene in the text.",
        "done_photo_kept": "The photo was kept with the report (without its location), seen only by the "
                           "departments handling it.",
        "done_another": "Report another problem",
        "duplicate": "This report was already submitted. Use the tracking code you got the first time.",
        "track_title": "Track a report", "code": "Tracking code",
        "code_hint": "12 letters and digits, e.g. K7QD-2MXP-9HRA", "track_submit": "Track",
        "err_code_format": "That is not a tracking code: 12 letters and digits (no 0, 1, I or O)",
        "status": "Status", "received": "Received", "due": "Due by",
        "steps": "Progress", "after_photos": "Photos of the result (from the handling department)", "after_photo_alt": "Result photo {n} (open the full size)", "step_at": "Time", "step": "Step", "step_note": "Public note",
        "no_due": "set on dispatch",
        "rate_title": "Rate the outcome", "rating": "How satisfied are you with the outcome?",
        "rate_satisfied": "Satisfied", "rate_basically_satisfied": "Basically satisfied",
        "rate_unsatisfied": "Unsatisfied", "solved": "Is the problem solved? (optional)", "solved_yes": "Solved",
        "solved_no": "Not solved", "rate_submit": "Send rating", "err_rating": "Choose a rating",
        "thanks": "Thank you for your rating!",
        "receipt_title": "Receipt (proof from the shared ledger)",
        "receipt_intro": "The receipt proves that this report's record is in the shared, tamper-evident "
                         "ledger witnessed by several levels of government. Download it, or verify it "
                         "right here (computed in your browser, without trusting this site). It holds the "
                         "salt of your report, with which you can check what the ledger committed to "
                         "(liandong ledger check-receipt --value); keep it like the tracking code and do "
                         "not publish it.",
        "receipt_download": "Download the receipt", "verify": "Verify the receipt in this page",
        "receipt_not_yet": "The receipt is being prepared: the record joins a ledger checkpoint within a few "
                           "seconds. Please try again shortly.",
        "v_checking": "Verifying…",
        "v_ok": "Receipt verified: entry {position} of the ledger (checkpoint size {size}), signed by "
                "{signers}.",
        "v_fetch": "Could not get the receipt: {message}", "v_malformed": "The receipt is malformed ({field}).",
        "v_origin": "Verification failed: the receipt's log name differs from the checkpoint's.",
        "v_log_signature": "Verification failed: the checkpoint has no valid signature by the log.",
        "v_witness": "Verification failed: the cosignature of witness {name} is missing or invalid.",
        "v_index": "Verification failed: the entry number is outside the checkpoint.",
        "v_proof": "Verification failed: the root computed from the entry and its inclusion proof differs "
                   "from the checkpoint's.",
        "v_unsupported": "This browser cannot verify Ed25519 signatures. Download the receipt and check it "
                         "offline with liandong ledger check-receipt.",
        "state_received": "Received", "state_dispatched": "Dispatched", "state_acknowledged": "Acknowledged",
        "state_in_progress": "In progress", "state_resolved": "Resolved, awaiting your rating",
        "state_followed_up": "Followed up", "state_closed": "Closed", "state_returned": "Being re-dispatched",
        "state_shelved": "Handled in stages", "state_merged": "Merged with a report of the same problem",
    },
}

CATEGORY_EN: dict[str, str] = {
    "环境保护": "Environmental protection", "市政公用": "Municipal utilities", "城市管理": "Urban management",
    "交通出行": "Transport", "农业农村与林业": "Agriculture, rural affairs and forestry",
    "市场监管": "Market regulation", "住房城乡建设": "Housing and construction",
    "民政与社会服务": "Civil affairs and social services", "劳动就业与社会保障": "Employment and social security",
    "公共安全": "Public safety", "自然资源": "Natural resources", "安全生产与应急": "Work safety and emergencies",
    "教育": "Education", "卫生健康": "Health", "文化旅游": "Culture and tourism", "综合事务": "General affairs",
}

# The strings receipt.js shows, handed to it as JSON in the page.
VERIFY_KEYS = ("v_checking", "v_ok", "v_fetch", "v_malformed", "v_origin", "v_log_signature",
               "v_witness", "v_index", "v_proof", "v_unsupported", "receipt_not_yet")
