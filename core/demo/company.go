package demo

// The fixed cast of the demo company: its customers, its service providers and
// their engineers, and its own staff. Everything random (contacts, phones, work
// orders) is drawn from the seeded generator; these tables are the same for every seed.

// Regions the company serves; every account and engineer is in one.
var regions = []string{"East", "North", "South", "West", "Central"}

// accountSpec is a customer company.
type accountSpec struct {
	Name, Region, Address string
	Domain                string // for contact emails
	Code                  string // for device codes
	Chinese               bool   // contacts have Chinese names; tickets are mostly in Chinese
}

var accountSpecs = []accountSpec{
	{"上海华东制冷设备有限公司", "East", "上海市浦东新区张江路 88 号", "hdzl.com.cn", "SHZL", true},
	{"北京京北物业管理有限公司", "North", "北京市朝阳区建国路 27 号", "jingbei-pm.cn", "BJWY", true},
	{"广州南粤食品冷链有限公司", "South", "广州市黄埔区开创大道 312 号", "nanyue-cold.cn", "GZLL", true},
	{"成都天府医院后勤服务中心", "West", "成都市武侯区人民南路四段 9 号", "tfyy.org.cn", "CDYY", true},
	{"武汉中联商业广场", "Central", "武汉市江汉区解放大道 690 号", "zlplaza.cn", "WHSC", true},
	{"杭州西湖酒店管理有限公司", "East", "杭州市西湖区北山街 78 号", "xihuhotel.cn", "HZJD", true},
	{"深圳鹏城数据中心", "South", "深圳市南山区科苑南路 3099 号", "pcdc.com.cn", "SZDC", true},
	{"天津港湾物流有限公司", "North", "天津市滨海新区港城大道 55 号", "tjgw-logistics.cn", "TJWL", true},
	{"西安古城连锁超市", "West", "西安市碑林区南大街 121 号", "gucheng-mart.cn", "XACS", true},
	{"长沙湘江制药有限公司", "Central", "长沙市岳麓区麓谷大道 627 号", "xjpharma.cn", "CSZY", true},
	{"南京金陵写字楼物业", "East", "南京市鼓楼区中山路 201 号", "jinling-office.cn", "NJXZ", true},
	{"重庆山城火锅连锁", "West", "重庆市渝中区解放碑八一路 177 号", "shancheng-hotpot.cn", "CQHG", true},
	{"苏州工业园区精密制造厂", "East", "苏州市工业园区星湖街 328 号", "szprecision.cn", "SZJM", true},
	{"Northwind Facilities", "North", "1200 Harbor Blvd, Building C", "northwind.example.com", "NWF", false},
	{"Contoso Cold Chain", "East", "48 Wharf Road, Dock 4", "contoso-cold.example.com", "CCC", false},
	{"Fabrikam Hospitality Group", "South", "9 Palm Avenue", "fabrikam-hotels.example.com", "FHG", false},
	{"Harbor View Hotel", "East", "2 Marina Parade", "harborview.example.com", "HVH", false},
	{"Pinecrest Medical Center", "West", "700 Pinecrest Drive", "pinecrest-med.example.org", "PMC", false},
	{"Lakeside Logistics Park", "Central", "15 Lakeside Industrial Estate", "lakeside-lp.example.com", "LLP", false},
	{"Summit Office Campus", "North", "1 Summit Plaza, Tower B", "summit-campus.example.com", "SOC", false},
	{"Bluewater Aquatic Center", "South", "88 Bluewater Way", "bluewater-aqua.example.org", "BAC", false},
	{"Redwood Data Systems", "West", "410 Redwood Parkway", "redwood-data.example.com", "RDS", false},
	{"Greenfield Supermarkets", "Central", "230 Market Street", "greenfield-market.example.com", "GFS", false},
	{"Meridian Pharma Labs", "East", "61 Science Park Road", "meridian-labs.example.com", "MPL", false},
}

// providerSpec is a service-provider partner and its engineers.
type providerSpec struct {
	Name, TenantID string
	Engineers      []engineerSpec
}

type engineerSpec struct{ Name, Region string }

var providerSpecs = []providerSpec{
	{"华东机电服务有限公司", "T-31000417", []engineerSpec{
		{"张伟", "East"}, {"陈强", "East"}, {"徐磊", "East"}, {"孙浩", "Central"}, {"吴静", "East"},
	}},
	{"北方冷链技术服务公司", "T-11000233", []engineerSpec{
		{"王刚", "North"}, {"刘洋", "North"}, {"赵磊", "North"}, {"郭敏", "Central"},
	}},
	{"南方设备维保有限公司", "T-44000871", []engineerSpec{
		{"黄俊", "South"}, {"林峰", "South"}, {"何伟", "South"}, {"梁静", "South"},
	}},
	{"Apex Field Services", "T-90001522", []engineerSpec{
		{"Mike Turner", "West"}, {"Laura Chen", "West"}, {"Daniel Ortiz", "Central"}, {"Priya Nair", "North"}, {"Sam Walker", "South"},
	}},
	{"华中设备工程有限公司", "T-42000318", []engineerSpec{
		{"周杰", "Central"}, {"杨帆", "Central"}, {"马超", "West"}, {"邓丽", "West"},
	}},
}

// userSpec is one of the company's own staff.
type userSpec struct {
	Login, Name, Roles, Phone, Email string
}

var userSpecs = []userSpec{
	{"chen.jing", "陈静", "admin", "13901010001", "chen.jing@switchboard-demo.cn"},
	{"li.na", "李娜", "dispatcher", "13901010002", "li.na@switchboard-demo.cn"},
	{"tom.baker", "Tom Baker", "dispatcher", "13901010003", "tom.baker@switchboard-demo.cn"},
	{"grace.wu", "吴佳怡 (Grace Wu)", "dispatcher,call-center", "13901010004", "grace.wu@switchboard-demo.cn"},
	{"wang.fang", "王芳", "call-center", "13901010005", "wang.fang@switchboard-demo.cn"},
	{"zhou.lei", "周磊", "call-center", "13901010006", "zhou.lei@switchboard-demo.cn"},
	{"amy.lee", "Amy Lee", "call-center", "13901010007", "amy.lee@switchboard-demo.cn"},
	{"zhao.min", "赵敏", "follow-up", "13901010008", "zhao.min@switchboard-demo.cn"},
	{"sarah.kim", "Sarah Kim", "follow-up", "13901010009", "sarah.kim@switchboard-demo.cn"},
	{"liu.yang", "刘洋", "engineer", "13901010010", "liu.yang@switchboard-demo.cn"},
}

// A Chinese name is a surname and a given name, each with its pinyin for emails.
type syllable struct{ Han, Pinyin string }

var surnames = []syllable{
	{"王", "wang"}, {"李", "li"}, {"张", "zhang"}, {"刘", "liu"}, {"陈", "chen"}, {"杨", "yang"},
	{"黄", "huang"}, {"赵", "zhao"}, {"吴", "wu"}, {"周", "zhou"}, {"徐", "xu"}, {"孙", "sun"},
	{"马", "ma"}, {"朱", "zhu"}, {"胡", "hu"}, {"郭", "guo"}, {"何", "he"}, {"高", "gao"},
	{"林", "lin"}, {"罗", "luo"}, {"郑", "zheng"}, {"梁", "liang"}, {"谢", "xie"}, {"宋", "song"},
}

var givenNames = []syllable{
	{"伟", "wei"}, {"芳", "fang"}, {"娜", "na"}, {"敏", "min"}, {"静", "jing"}, {"丽", "li"},
	{"强", "qiang"}, {"磊", "lei"}, {"军", "jun"}, {"洋", "yang"}, {"勇", "yong"}, {"艳", "yan"},
	{"杰", "jie"}, {"娟", "juan"}, {"涛", "tao"}, {"明", "ming"}, {"超", "chao"}, {"秀英", "xiuying"},
	{"建华", "jianhua"}, {"志强", "zhiqiang"}, {"海燕", "haiyan"}, {"晓东", "xiaodong"}, {"雪梅", "xuemei"}, {"国庆", "guoqing"},
}

var firstNames = []string{
	"James", "Mary", "Robert", "Patricia", "John", "Jennifer", "Michael", "Linda", "David",
	"Elizabeth", "William", "Susan", "Richard", "Jessica", "Joseph", "Sarah", "Thomas", "Karen",
	"Chris", "Nancy", "Daniel", "Lisa", "Mark", "Emily", "Paul", "Olivia", "Kevin", "Grace",
}

var lastNames = []string{
	"Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Wilson",
	"Anderson", "Taylor", "Thomas", "Moore", "Jackson", "Martin", "Lee", "Thompson", "White",
	"Harris", "Clark", "Lewis", "Walker", "Young", "Allen", "King", "Wright", "Scott", "Green",
}

// Reception desks and shared lines: contacts with neither phone nor email, so their
// work orders have no external owner.
var deskNames = []string{"前台", "Reception desk", "值班室", "Security office", "工程部"}
