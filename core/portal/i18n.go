package portal

import (
	"net/http"
	"strings"
)

// lang picks the page language: ?lang=zh|en, else the browser's Accept-Language
// (Chinese when it prefers any zh variant), else English.
func lang(r *http.Request) string {
	// Never r.FormValue: it would read a POST body before its size limit is set.
	l := r.URL.Query().Get("lang")
	if l == "" && r.PostForm != nil {
		l = r.PostForm.Get("lang")
	}
	switch l {
	case "zh", "en":
		return l
	}
	for _, part := range strings.Split(r.Header.Get("Accept-Language"), ",") {
		tag := strings.ToLower(strings.TrimSpace(strings.SplitN(part, ";", 2)[0]))
		switch {
		case strings.HasPrefix(tag, "zh"):
			return "zh"
		case strings.HasPrefix(tag, "en"):
			return "en"
		}
	}
	return "en"
}

// htmlLang is the page's lang attribute for a language.
func htmlLang(l string) string {
	if l == "zh" {
		return "zh-CN"
	}
	return "en"
}

// texts holds every sentence the pages show, per language.
var texts = map[string]map[string]string{
	"en": {
		"brand":                "Service",
		"other_lang":           "中文",
		"other_lang_code":      "zh",
		"home_title":           "Report a problem",
		"home_lead":            "Tell us what is wrong and we will send an engineer.",
		"home_guest":           "Report a problem",
		"home_customer":        "I am a customer: identify me by my phone number",
		"guest_title":          "Report a problem",
		"customer_title":       "Report a problem as a customer",
		"customer_lead":        "We find your customer record by your phone number, so we can keep you informed.",
		"customer_lead_verify": "We find your customer record by your phone number once you confirm it with a code we text you. Without the code we still take your request, as a new customer.",
		"send_code":            "Send me a code by SMS",
		"send_code_again":      "Send another code",
		"code":                 "Code from the SMS",
		"code_hint":            "Leave it empty to send your request without confirming your phone: we then take it as from a new customer.",
		"code_sent":            "We sent a 6-digit code to %s. It is valid for 10 minutes.",
		"code_limited":         "Too many codes were asked for from your network just now: wait a few minutes, or send your request without a code.",
		"receipt_unverified":   "Your phone number was not confirmed, so this request is not linked to a customer record and we do not text you about it. Keep the number above to ask about it.",
		"device_title":         "Report a problem with this device",
		"smart_title":          "Service request",
		"device":               "Device",
		"model":                "Model",
		"location":             "Location",
		"account":              "Customer",
		"name":                 "Your name",
		"phone":                "Phone",
		"email":                "Email (optional)",
		"subject":              "What is wrong?",
		"subject_hint":         "e.g. Freezer not cooling",
		"description":          "Details (optional)",
		"address":              "Address (optional)",
		"type":                 "Kind of work",
		"submit":               "Send",
		"fix_errors":           "Please check the fields marked below.",
		"receipt_title":        "Thank you",
		"receipt_lead":         "We have received your request.",
		"receipt_task":         "We have received your answer.",
		"receipt_number":       "Work order number",
		"receipt_keep":         "Keep this number; quote it when you contact us.",
		"task_title":           "Your work order",
		"task_lead":            "Please check the details below and confirm.",
		"task_comment":         "Comment (optional)",
		"task_confirm":         "Confirm",
		"task_expires":         "This link works once, until",
		"task_edit":            "Please correct anything that is wrong:",
		"task_object_device":   "Register your device (optional)",
		"field_subject":        "Subject",
		"field_description":    "Details",
		"field_phone":          "Phone",
		"field_email":          "Email",
		"field_address":        "Address",
		"field_region":         "Region",
		"field_device_code":    "Device code",
		"obj_code":             "Device code (on its label)",
		"obj_model":            "Model",
		"obj_location":         "Where is it?",
		"status_title":         "Work order status",
		"status_stage":         "Stage",
		"status_updated":       "Last update",
		"status_created":       "Received",
		"node_dispatch":        "Waiting for an engineer to be assigned",
		"node_service":         "An engineer is working on it",
		"node_terminal-task":   "Waiting for your answer",
		"node_evaluation":      "Waiting for your evaluation",
		"node_follow-up":       "Follow-up call",
		"node_end":             "Completed",
		"node_terminated":      "Closed",
		"number":               "Number",
		"status":               "Status",
		"engineer":             "Engineer",
		"problem_title":        "This link cannot be used",
		"problem_link":         "The link may have expired, may already have been used, or may be incomplete. Please ask for a new link.",
		"problem_slow":         "Too many requests from your network. Please wait a moment and try again.",
		"problem_big":          "What you sent is too large. Please shorten the text and try again.",
		"problem_cross":        "The form was sent from another site, so it was not accepted. Please open the form again and send it from here.",
		"problem_error":        "Something went wrong on our side. Nothing was saved; please try again in a minute.",
		"problem_notfound":     "There is no page at this address.",
		"problem_contact":      "If you need help, contact",
		"default_contact":      "the person who sent you the link, or your service company's hotline",
		"required":             "required",
	},
	"zh": {
		"brand":                "服务",
		"other_lang":           "English",
		"other_lang_code":      "en",
		"home_title":           "报修",
		"home_lead":            "告诉我们出了什么问题，我们会安排工程师上门。",
		"home_guest":           "我要报修",
		"home_customer":        "我是客户：用手机号识别我",
		"guest_title":          "报修",
		"customer_title":       "客户报修",
		"customer_lead":        "我们用您的手机号找到您的客户档案，方便随时通知您进度。",
		"customer_lead_verify": "请用我们发给您的短信验证码确认手机号，我们即可找到您的客户档案。不填验证码也可提交，我们将按新客户受理。",
		"send_code":            "发送短信验证码",
		"send_code_again":      "重新发送验证码",
		"code":                 "短信验证码",
		"code_hint":            "不填验证码也可提交：此时不确认手机号，按新客户受理。",
		"code_sent":            "验证码已发送至 %s，10 分钟内有效。",
		"code_limited":         "您所在网络刚才申请的验证码过多，请稍等几分钟，或不填验证码直接提交。",
		"receipt_unverified":   "您的手机号未经验证，因此此工单未关联客户档案，我们也不会就此给您发短信。请保留上面的工单号以便查询。",
		"device_title":         "为此设备报修",
		"smart_title":          "服务申请",
		"device":               "设备",
		"model":                "型号",
		"location":             "位置",
		"account":              "客户",
		"name":                 "您的姓名",
		"phone":                "手机号",
		"email":                "邮箱（选填）",
		"subject":              "出了什么问题？",
		"subject_hint":         "例如：冷柜不制冷",
		"description":          "详细说明（选填）",
		"address":              "地址（选填）",
		"type":                 "服务类型",
		"submit":               "提交",
		"fix_errors":           "请检查下面标出的内容。",
		"receipt_title":        "谢谢",
		"receipt_lead":         "我们已收到您的申请。",
		"receipt_task":         "我们已收到您的回复。",
		"receipt_number":       "工单号",
		"receipt_keep":         "请保留此工单号，联系我们时请提供。",
		"task_title":           "您的工单",
		"task_lead":            "请核对以下信息并确认。",
		"task_comment":         "备注（选填）",
		"task_confirm":         "确认",
		"task_expires":         "此链接只能使用一次，有效期至",
		"task_edit":            "如有不对，请直接修改：",
		"task_object_device":   "登记您的设备（选填）",
		"field_subject":        "问题",
		"field_description":    "详细说明",
		"field_phone":          "手机号",
		"field_email":          "邮箱",
		"field_address":        "地址",
		"field_region":         "地区",
		"field_device_code":    "设备编号",
		"obj_code":             "设备编号（见标签）",
		"obj_model":            "型号",
		"obj_location":         "设备位置",
		"status_title":         "工单进度",
		"status_stage":         "当前环节",
		"status_updated":       "最近更新",
		"status_created":       "受理时间",
		"node_dispatch":        "等待派工",
		"node_service":         "工程师处理中",
		"node_terminal-task":   "等待您的回复",
		"node_evaluation":      "等待您的评价",
		"node_follow-up":       "回访中",
		"node_end":             "已完成",
		"node_terminated":      "已关闭",
		"number":               "编号",
		"status":               "状态",
		"engineer":             "工程师",
		"problem_title":        "此链接无法使用",
		"problem_link":         "链接可能已过期、已被使用或不完整。请索取新的链接。",
		"problem_slow":         "您的网络请求过多，请稍候再试。",
		"problem_big":          "提交的内容过长，请精简后重试。",
		"problem_cross":        "表单来自其他网站，未被接受。请重新打开表单并在此提交。",
		"problem_error":        "我们这边出了问题，没有保存任何内容，请一分钟后重试。",
		"problem_notfound":     "此地址没有页面。",
		"problem_contact":      "如需帮助，请联系",
		"default_contact":      "发送链接给您的人，或服务公司的客服热线",
		"required":             "必填",
	},
}
