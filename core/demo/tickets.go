package demo

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

// equipment is a kind of device the company services, named in both languages;
// its class picks the faults it can have.
type equipment struct {
	EN, ZH string
	Class  equipmentClass
}

type equipmentClass int

const (
	cooling equipmentClass = iota
	lift
	power
	plant
	security
)

var equipmentKinds = []equipment{
	{"walk-in freezer", "冷库", cooling},
	{"cold-room compressor", "冷库压缩机", cooling},
	{"central AC chiller", "中央空调主机", cooling},
	{"rooftop AC unit", "屋顶空调机组", cooling},
	{"ice machine", "制冰机", cooling},
	{"display freezer", "冷柜", cooling},
	{"water chiller", "冷水机组", cooling},
	{"passenger elevator", "客梯", lift},
	{"freight elevator", "货梯", lift},
	{"escalator", "自动扶梯", lift},
	{"UPS", "UPS 电源", power},
	{"backup diesel generator", "柴油发电机", power},
	{"gas boiler", "燃气锅炉", plant},
	{"fire pump", "消防水泵", plant},
	{"air compressor", "空压机", plant},
	{"fresh-air handling unit", "新风机组", plant},
	{"commercial dishwasher", "商用洗碗机", plant},
	{"CCTV camera", "监控摄像头", security},
	{"access-control gate", "门禁闸机", security},
}

// Faults any device can have, and faults of one class. %[1]s is the equipment,
// %[2]s the place, %[3]d an error code.
var (
	faultsEN = []string{
		"%[1]s not starting %[2]s",
		"%[1]s shows error E%[3]d",
		"%[1]s keeps tripping the breaker",
		"%[1]s stopped overnight %[2]s",
	}
	faultsZH = []string{
		"%[2]s%[1]s无法启动",
		"%[1]s报故障代码 E%[3]d",
		"%[1]s频繁跳闸",
		"%[2]s%[1]s夜间停机，需上门检修",
	}
	classFaultsEN = map[equipmentClass][]string{
		cooling:  {"%[1]s running but not cooling", "High-temperature alarm on the %[1]s %[2]s", "%[1]s leaking water %[2]s", "%[1]s icing up"},
		lift:     {"%[1]s stuck between floors %[2]s", "%[1]s doors will not close", "%[1]s making a grinding noise", "%[1]s stops suddenly with passengers"},
		power:    {"%[1]s fails its self-test", "Battery alarm on the %[1]s %[2]s", "%[1]s does not take the load"},
		plant:    {"%[1]s making a grinding noise %[2]s", "%[1]s leaking %[2]s", "Pressure drops on the %[1]s"},
		security: {"%[1]s offline %[2]s", "No picture from the %[1]s %[2]s", "%[1]s does not read cards"},
	}
	classFaultsZH = map[equipmentClass][]string{
		cooling:  {"%[1]s运行但不制冷", "%[2]s%[1]s温度报警", "%[2]s%[1]s漏水", "%[1]s结霜严重"},
		lift:     {"%[2]s%[1]s困梯", "%[1]s门无法关闭", "%[1]s运行有异响", "%[1]s运行中急停"},
		power:    {"%[1]s自检失败", "%[2]s%[1]s电池报警", "%[1]s无法带载"},
		plant:    {"%[2]s%[1]s有异响", "%[2]s%[1]s漏水", "%[1]s压力不足"},
		security: {"%[2]s%[1]s离线", "%[2]s%[1]s无画面", "%[1]s无法刷卡"},
	}
)

var placesEN = []string{
	"on the 3rd floor", "in the loading dock", "in the main kitchen", "in the server room",
	"in Building B", "in the basement plant room", "at the north entrance", "in ward 5",
	"in the lobby", "on the roof", "in warehouse 2", "in the pharmacy store",
}

var placesZH = []string{
	"3号楼", "地下二层", "后厨", "机房", "B 座", "一楼大堂", "5 号病区", "2 号仓库", "屋顶", "冷链库区", "门店卖场", "配电房",
}

// Subject templates for the other record types, with the same verbs as faults.
var subjectTemplates = map[string]struct{ EN, ZH []string }{
	"Installation": {
		EN: []string{
			"Install a new %[1]s %[2]s",
			"Replace the old %[1]s %[2]s",
			"Commission the %[1]s after renovation",
		},
		ZH: []string{
			"%[2]s新%[1]s安装调试",
			"更换旧%[1]s（%[2]s）",
			"装修后%[1]s移机安装",
		},
	},
	"Maintenance": {
		EN: []string{
			"Quarterly maintenance of the %[1]s",
			"Scheduled service: %[1]s %[2]s",
			"Half-yearly check and cleaning of the %[1]s",
		},
		ZH: []string{
			"%[1]s季度保养",
			"%[2]s%[1]s例行维护保养",
			"%[1]s半年度检查清洁",
		},
	},
	"Inspection": {
		EN: []string{
			"Annual safety inspection: %[1]s",
			"Pre-audit check of the %[1]s %[2]s",
		},
		ZH: []string{
			"%[1]s年度安全检查",
			"%[2]s%[1]s迎检前巡检",
		},
	},
}

// Descriptions per record type.
var descriptionsEN = map[string][]string{
	"Repair": {
		"Staff on site say it started this morning.",
		"The customer asks for an engineer today if possible.",
		"Second report this month; please bring spare parts.",
		"Intermittent: it works for a while after a restart, then fails again.",
		"Goods are at risk; the customer has moved stock to a backup unit for now.",
	},
	"Installation": {
		"The new unit has been delivered to site; please bring the mounting kit.",
		"Power and drainage are ready; the site wants it running before opening.",
	},
	"Maintenance": {
		"Visit due under the service contract; the site expects it this week.",
		"Please also check the filters and log the readings.",
	},
	"Inspection": {
		"The certificate expires at the end of the month; the report is needed for the audit.",
		"Insurer's yearly check; please photograph the nameplate.",
	},
}

var descriptionsZH = map[string][]string{
	"Repair": {
		"现场人员称今早开始出现问题。",
		"客户希望今天安排工程师上门。",
		"本月第二次报修，请工程师携带备件。",
		"重启后可运行一段时间，随后再次故障。",
		"货物有损坏风险，客户已临时转移到备用设备。",
	},
	"Installation": {
		"新设备已到货，请携带安装支架。",
		"水电已就绪，客户希望开业前完成调试。",
	},
	"Maintenance": {
		"按维保合同例行上门，客户希望本周完成。",
		"请顺便检查滤网并记录运行参数。",
	},
	"Inspection": {
		"合格证月底到期，审核需要检查报告。",
		"保险公司年度检查，请拍摄设备铭牌。",
	},
}

// Work the engineer reports when service is done.
var serviceNotesEN = []string{
	"replaced the start capacitor; unit back to normal temperature",
	"cleaned the condenser coil and topped up refrigerant",
	"replaced a worn drive belt and re-tensioned",
	"reset the controller and updated firmware; ran for one hour without fault",
	"replaced the door seal; no more ice build-up",
	"tightened loose terminals in the control cabinet",
}

var serviceNotesZH = []string{
	"更换启动电容，设备恢复正常",
	"清洗冷凝器并补充冷媒",
	"更换磨损皮带并重新张紧",
	"控制器复位并升级固件，试运行一小时无故障",
	"更换门封条，不再结霜",
	"紧固控制柜松动接线端子",
}

var evaluationComments = []string{
	"Fast and tidy work", "工程师很专业", "Arrived on time", "服务态度好", "Problem solved on the first visit", "响应及时",
}

var terminationReasons = []string{
	"customer cancelled: problem fixed itself",
	"duplicate of an earlier work order",
	"equipment out of warranty; customer declined the quote",
	"customer unreachable after three attempts",
	"客户取消报修",
	"重复工单",
}

// ticket returns a subject and description for a work order of recordType.
func ticket(r *rand.Rand, recordType string, chinese bool) (subject, description string) {
	eq := equipmentKinds[r.IntN(len(equipmentKinds))]
	code := 10 + r.IntN(90)
	var tpls []string
	switch {
	case recordType == "Repair":
		// Faults of the device's class come up twice as often as generic ones.
		class, generic := classFaultsEN[eq.Class], faultsEN
		if chinese {
			class, generic = classFaultsZH[eq.Class], faultsZH
		}
		tpls = generic
		if r.IntN(3) > 0 {
			tpls = class
		}
	case chinese:
		tpls = subjectTemplates[recordType].ZH
	default:
		tpls = subjectTemplates[recordType].EN
	}
	tpl := tpls[r.IntN(len(tpls))]
	if chinese {
		subject = fmt.Sprintf(tpl, eq.ZH, placesZH[r.IntN(len(placesZH))], code)
		return subject, pick(r, descriptionsZH[recordType])
	}
	subject = capitalize(fmt.Sprintf(tpl, eq.EN, placesEN[r.IntN(len(placesEN))], code))
	return subject, pick(r, descriptionsEN[recordType])
}

func capitalize(s string) string {
	if s == "" || s[0] < 'a' || s[0] > 'z' {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
