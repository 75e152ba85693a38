/*
Copyright 2026 The Security Operator Authors.

Licensed under the Apache License, Version 2.0 (the "License");
you may not use this file except in compliance with the License.
You may obtain a copy of the License at

    http://www.apache.org/licenses/LICENSE-2.0

Unless required by applicable law or agreed to in writing, software
distributed under the License is distributed on an "AS IS" BASIS,
WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
See the License for the specific language governing permissions and
limitations under the License.
*/

package bench

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/rest"
	toolscache "k8s.io/client-go/tools/cache"
	"sigs.k8s.io/controller-runtime/pkg/cache"

	"github.com/securityoperator/security-operator/api/v1alpha1"
)

// watcher keeps the fleet's Securities in an informer cache, so that the
// harness receives each status change as a watch event instead of listing
// thousands of objects again and again.
type watcher struct {
	cache    cache.Cache
	informer cache.Informer
}

// startWatcher starts an informer on the Securities of the fleet's namespace
// and waits for its first list. It stops when ctx ends.
func startWatcher(ctx context.Context, cfg *rest.Config, scheme *runtime.Scheme) (*watcher, error) {
	c, err := cache.New(cfg, cache.Options{
		Scheme:            scheme,
		DefaultNamespaces: map[string]cache.Config{namespace: {}},
	})
	if err != nil {
		return nil, fmt.Errorf("failed to create the harness's cache: %w", err)
	}
	informer, err := c.GetInformer(ctx, &v1alpha1.Security{})
	if err != nil {
		return nil, fmt.Errorf("failed to create the Security informer: %w", err)
	}
	go func() { _ = c.Start(ctx) }()
	if !c.WaitForCacheSync(ctx) {
		return nil, fmt.Errorf("the harness's Security informer did not sync: %w", ctx.Err())
	}
	return &watcher{cache: c, informer: informer}, nil
}

// phase records when each Security first passed a test, as seen by the
// harness, until want of them have.
type phase struct {
	test     func(*v1alpha1.Security) bool
	want     int
	complete chan struct{}

	mu      sync.Mutex
	reached map[string]time.Time
	last    time.Time
}

// track starts a phase that waits for want Securities to pass test. The
// informer replays the Securities it already has to the new handler, so
// objects that passed before the call count too.
func (w *watcher) track(want int, test func(*v1alpha1.Security) bool) (*phase, func(), error) {
	p := &phase{test: test, want: want, complete: make(chan struct{}), reached: map[string]time.Time{}}
	reg, err := w.informer.AddEventHandler(toolscache.ResourceEventHandlerFuncs{
		AddFunc:    p.observe,
		UpdateFunc: func(_, obj any) { p.observe(obj) },
	})
	if err != nil {
		return nil, nil, fmt.Errorf("failed to watch Securities: %w", err)
	}
	stop := func() { _ = w.informer.RemoveEventHandler(reg) }
	return p, stop, nil
}

func (p *phase) observe(obj any) {
	s, ok := obj.(*v1alpha1.Security)
	if !ok || !p.test(s) {
		return
	}
	now := time.Now()
	p.mu.Lock()
	defer p.mu.Unlock()
	if _, seen := p.reached[s.Name]; seen {
		return
	}
	p.reached[s.Name] = now
	p.last = now
	if len(p.reached) == p.want {
		close(p.complete)
	}
}

// wait blocks until the phase is complete and returns when the last
// Security passed. When ctx ends first, the error counts the Securities by
// their Ready reason, which shows why the run is stuck.
func (w *watcher) wait(ctx context.Context, p *phase) (time.Time, error) {
	select {
	case <-p.complete:
		p.mu.Lock()
		defer p.mu.Unlock()
		return p.last, nil
	case <-ctx.Done():
	}
	p.mu.Lock()
	reached := len(p.reached)
	p.mu.Unlock()
	return time.Time{}, fmt.Errorf("only %d of %d Securities got there before the timeout (%w); "+
		"Ready reasons of all Securities: %s", reached, p.want, ctx.Err(), w.reasons())
}

// reasons counts the cached Securities by the reason of their Ready
// condition.
func (w *watcher) reasons() string {
	var list v1alpha1.SecurityList
	// The context of the failed wait has ended, and the cache reads from
	// memory, so a fresh one suffices.
	if err := w.cache.List(context.Background(), &list); err != nil {
		return "unknown (" + err.Error() + ")"
	}
	counts := map[string]int{}
	for i := range list.Items {
		ready := meta.FindStatusCondition(list.Items[i].Status.Conditions, v1alpha1.ConditionReady)
		reason := "no Ready condition"
		if ready != nil {
			reason = ready.Reason
		}
		counts[reason]++
	}
	var parts []string
	for _, reason := range slices.Sorted(maps.Keys(counts)) {
		parts = append(parts, fmt.Sprintf("%s %d", reason, counts[reason]))
	}
	return strings.Join(parts, ", ")
}

// synced reports whether obj is Ready for its current generation.
func synced(obj *v1alpha1.Security) bool {
	ready := meta.FindStatusCondition(obj.Status.Conditions, v1alpha1.ConditionReady)
	return ready != nil && ready.Status == metav1.ConditionTrue && ready.ObservedGeneration == obj.Generation
}

// handled returns a test for a Security that is Ready after handling the
// requested-at annotation value.
func handled(value string) func(*v1alpha1.Security) bool {
	return func(obj *v1alpha1.Security) bool {
		return obj.Status.LastHandledRequest == value && synced(obj)
	}
}
