package core

import "sync"

// Change tells subscribers that something was written, so open consoles refresh.
type Change struct {
	Kind      string // "work-order", "contact", "user", …
	WorkOrder ID     // set for work-order changes
	Number    string
}

// broker fans changes out to subscribers without ever blocking a writer: a
// subscriber whose buffer is full misses that change but still gets the next one,
// which is enough for views that re-read the store on any change.
type broker struct {
	mu   sync.Mutex
	subs map[chan Change]struct{}
	// feed, when the store is shared by several servers, carries changes to
	// the others and theirs to this one (issue 21).
	feed Feed
}

func (b *broker) subscribe() (<-chan Change, func()) {
	ch := make(chan Change, 256)
	b.mu.Lock()
	if b.subs == nil {
		b.subs = make(map[chan Change]struct{})
	}
	b.subs[ch] = struct{}{}
	b.mu.Unlock()
	var once sync.Once
	return ch, func() {
		once.Do(func() {
			b.mu.Lock()
			delete(b.subs, ch)
			b.mu.Unlock()
			close(ch)
		})
	}
}

// publish tells this process's subscribers and, through the feed, the other
// servers'.
func (b *broker) publish(cs ...Change) {
	b.deliver(cs)
	if b.feed != nil {
		b.feed.Announce(cs)
	}
}

// deliver tells this process's subscribers only.
func (b *broker) deliver(cs []Change) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for ch := range b.subs {
		for _, c := range cs {
			select {
			case ch <- c:
			default:
			}
		}
	}
}
