"""Refusals of photos (现场照片) and of the reporter's contact details."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    "photo.too_large": {
        "zh": "照片不能超过 {limit} MB",
        "en": "The photo exceeds {limit} MB",
    },
    "photo.not_image": {
        "zh": "请选择 JPG、PNG 或 WebP 格式的图片",
        "en": "Choose a JPG, PNG or WebP image",
    },
    "photo.too_many_pixels": {
        "zh": "照片像素过多（不超过 {limit} 百万像素），请缩小后再上传",
        "en": "The photo has too many pixels ({limit} megapixels at most): please make it smaller",
    },
    "photo.unreadable": {
        "zh": "照片无法读取（文件损坏或不完整），请重新选择",
        "en": "The photo cannot be read (damaged or incomplete): please choose it again",
    },
    "photo.too_many": {
        "zh": "一次最多附 {limit} 张照片",
        "en": "At most {limit} photos at a time",
    },
    "document.too_large": {
        "zh": "文件不能超过 {limit} MB",
        "en": "The document exceeds {limit} MB",
    },
    "document.not_pdf": {
        "zh": "附件须为 PDF 文件",
        "en": "Attach a PDF document",
    },
    "document.encrypted": {
        "zh": "PDF 文件设有密码，请去除密码后再上传",
        "en": "The PDF is password-protected: remove the password and attach it again",
    },
    "document.unreadable": {
        "zh": "PDF 文件无法读取（文件损坏或不完整），请重新选择",
        "en": "The PDF cannot be read (damaged or incomplete): please choose it again",
    },
    "document.pages": {
        "zh": "PDF 文件须有 1 至 {limit} 页",
        "en": "The PDF must have 1 to {limit} pages",
    },
    "document.too_many": {
        "zh": "一次最多附 {limit} 个文件",
        "en": "At most {limit} documents at a time",
    },
    "document.unknown": {
        "zh": "没有这个文件",
        "en": "There is no such document",
    },
    "photo.unknown": {
        "zh": "没有这张照片",
        "en": "There is no such photo",
    },
    "case.bad_email": {
        "zh": "电子邮箱“{value}”格式不正确",
        "en": "'{value}' is not an e-mail address",
    },
    "place.outside_area_of": {
        "zh": "“{place}”属于{region}，不在本平台服务范围内（本平台服务：{area}），请向{region}的 12345 热线反映，"
              "本次内容未被保存",
        "en": "'{place}' belongs to {region}, outside the area this platform serves ({area}); please "
              "contact the 12345 hotline of {region}. Nothing of this report was kept",
    },
    "recovery.too_many": {
        "zh": "验证码请求过于频繁，请稍后再试",
        "en": "Too many code requests: please try again later",
    },
    "recovery.bad_code": {
        "zh": "验证码不正确或已过期",
        "en": "The code is wrong or has expired",
    },
}
